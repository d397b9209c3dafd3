import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Prints the listening port as the first stdout line (the bench parent waits for it); exits on SIGTERM. */
export function announce(server: Server, stop: () => Promise<void> = async () => {}): void {
  console.log(JSON.stringify({ port: (server.address() as AddressInfo).port }));
  process.once('SIGTERM', () => {
    stop().finally(() => {
      // Keep-alive sockets from the other side would hold close() open.
      server.closeAllConnections();
      server.close(() => process.exit(0));
      setTimeout(() => process.exit(0), 2000).unref();
    });
  });
}
