import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A hostile network between the bot and a fake platform, on 127.0.0.1: it fails a share of
 * requests with a 502 before they reach the platform, can go down (connections refused) and
 * come back on the same port, and stamps every request that got through with the (virtual) time
 * and the errcode the platform answered.
 */
export interface Passed {
  at: number;
  path: string;
  errcode: number | undefined;
}

export class FlakyProxy {
  readonly passed: Passed[] = [];
  refused = 0;
  private failShare = 0;
  private lose = 0;
  private server: http.Server;
  private port = 0;

  private constructor(
    private readonly target: string,
    private readonly now: () => number,
    private readonly random: () => number,
  ) {
    this.server = this.create();
  }

  static async start(target: string, now: () => number, random: () => number): Promise<FlakyProxy> {
    const proxy = new FlakyProxy(target, now, random);
    await proxy.up();
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Fails this share of requests (0..1) with HTTP 502 before they reach the platform. */
  fail(share: number): void {
    this.failShare = share;
  }

  /** The next `n` requests reach the platform, but their answers are lost (the socket is cut). */
  loseAnswers(n: number): void {
    this.lose += n;
  }

  /** Stops accepting connections: the bot sees ECONNREFUSED. */
  async down(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server = this.create();
  }

  /** Listens again, on the same port once it has one. */
  async up(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    return this.down();
  }

  /** Requests the platform accepted (errcode 0), oldest first. */
  accepted(path?: string): Passed[] {
    return this.passed.filter((p) => p.errcode === 0 && (!path || p.path === path));
  }

  private create(): http.Server {
    return http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (this.random() < this.failShare) {
          this.refused++;
          res.writeHead(502).end('bad gateway (flaky proxy)');
          return;
        }
        const at = this.now();
        const url = new URL(req.url ?? '/', this.target);
        const out = http.request(url, { method: req.method, headers: req.headers }, (up) => {
          const body: Buffer[] = [];
          up.on('data', (c: Buffer) => body.push(c));
          up.on('end', () => {
            const text = Buffer.concat(body).toString('utf8');
            this.passed.push({ at, path: recipient(url), errcode: errcodeOf(text) });
            if (this.lose > 0) {
              this.lose--;
              res.socket?.destroy();
              return;
            }
            res.writeHead(up.statusCode ?? 502, up.headers).end(text);
          });
        });
        out.on('error', () => res.writeHead(502).end());
        out.end(Buffer.concat(chunks));
      });
    });
  }
}

/** The robot a push is for: WeCom `key`, DingTalk `access_token`. */
function recipient(url: URL): string {
  return url.searchParams.get('key') ?? url.searchParams.get('access_token') ?? url.pathname;
}

function errcodeOf(text: string): number | undefined {
  try {
    const code = (JSON.parse(text) as { errcode?: unknown }).errcode;
    return typeof code === 'number' ? code : undefined;
  } catch {
    return undefined;
  }
}
