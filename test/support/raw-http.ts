import net from 'node:net';

/**
 * A raw HTTP/1.1 request on a socket, for what fetch cannot do: headers sent, then the body a
 * byte every `byteEveryMs` (or never). Resolves with the status line's code and what came back,
 * or 0 when the server closed without answering. Stops by itself after `giveUpMs`.
 */
export function slowRequest(o: {
  port: number;
  method?: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Milliseconds between body bytes; undefined sends no body at all. */
  byteEveryMs?: number;
  giveUpMs?: number;
}): Promise<{ status: number; text: string; bytesSent: number }> {
  return new Promise((resolve) => {
    const body = Buffer.from(o.body);
    const socket = net.connect(o.port, '127.0.0.1');
    let received = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0);
      resolve({ status, text: received, bytesSent: sent });
    };
    const giveUp = setTimeout(finish, o.giveUpMs ?? 5_000);
    socket.on('data', (d) => {
      received += d.toString('utf8');
      if (/\r\n\r\n/.test(received)) setTimeout(finish, 20);
    });
    socket.on('close', finish);
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      const head = [
        `${o.method ?? 'POST'} ${o.path} HTTP/1.1`,
        'Host: 127.0.0.1',
        `Content-Length: ${body.length}`,
        ...Object.entries(o.headers).map(([k, v]) => `${k}: ${v}`),
        '',
        '',
      ].join('\r\n');
      socket.write(head);
      if (o.byteEveryMs === undefined) return;
      timer = setInterval(() => {
        if (sent >= body.length || socket.destroyed) return clearInterval(timer);
        socket.write(body.subarray(sent, sent + 1));
        sent++;
      }, o.byteEveryMs);
    });
  });
}
