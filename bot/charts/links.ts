import { createHmac, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type ChartRef, chartRefSchema } from '../../handlers/charts/spec.ts';
import { safeEqual } from '../platforms/platform.ts';

/**
 * Chart links for DingTalk, which shows a picture only by URL (protocols.md §10.3):
 * `PUBLIC_BASE_URL/charts/<id>.png`, where the id carries what to draw and when the link stops
 * working, signed with HMAC-SHA256. Nothing is stored: the bot draws the chart when the link is
 * fetched (bot/charts/routes.ts), from the same data and code as the answer it came with.
 */

/** What a link's id says once checked. */
export type LinkCheck = { ok: true; ref: ChartRef } | { ok: false; why: 'bad' | 'expired' };

const KEY_FILE = 'chart-link.key';
/** 128-bit tags: short URLs, far beyond guessing. */
const TAG_BYTES = 16;

export class ChartLinks {
  constructor(
    private readonly key: Buffer,
    /** PUBLIC_BASE_URL; without it there are no links. */
    readonly base: string | undefined,
    private readonly ttlMs: number,
  ) {}

  /**
   * The key from CHART_LINK_SECRET, or a random one kept in `$DATA_DIR/chart-link.key` (created
   * once, mode 0600), so links survive a restart.
   */
  static async open(o: { dataDir: string; secret?: string | undefined; base?: string | undefined; ttlHours: number }): Promise<ChartLinks> {
    const key = o.secret ? Buffer.from(o.secret, 'utf8') : await keyFile(o.dataDir);
    return new ChartLinks(key, o.base?.replace(/\/+$/, ''), o.ttlHours * 3600_000);
  }

  /** The link's public URL, or undefined without PUBLIC_BASE_URL. */
  url(ref: ChartRef, now: Date): string | undefined {
    return this.base ? `${this.base}/charts/${this.id(ref, now)}.png` : undefined;
  }

  /** `<payload>.<tag>`, both base64url; the payload is the ref and its expiry (seconds). */
  id(ref: ChartRef, now: Date): string {
    const expires = Math.floor((now.getTime() + this.ttlMs) / 1000);
    const payload = Buffer.from(JSON.stringify({ ...ref, exp: expires }), 'utf8').toString('base64url');
    return `${payload}.${this.tag(payload)}`;
  }

  check(id: string, now: Date): LinkCheck {
    const m = id.match(/^([A-Za-z0-9_-]{1,1024})\.([A-Za-z0-9_-]{22})$/);
    if (!m?.[1] || !m[2] || !safeEqual(m[2], this.tag(m[1]))) return { ok: false, why: 'bad' };
    let body: unknown;
    try {
      body = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8'));
    } catch {
      return { ok: false, why: 'bad' };
    }
    const { exp, ...rest } = (body ?? {}) as { exp?: unknown };
    const ref = chartRefSchema.safeParse(rest);
    if (typeof exp !== 'number' || !ref.success) return { ok: false, why: 'bad' };
    if (now.getTime() > exp * 1000) return { ok: false, why: 'expired' };
    return { ok: true, ref: ref.data };
  }

  private tag(payload: string): string {
    return createHmac('sha256', this.key).update(`chart-link:${payload}`).digest().subarray(0, TAG_BYTES).toString('base64url');
  }
}

async function keyFile(dataDir: string): Promise<Buffer> {
  const file = path.join(dataDir, KEY_FILE);
  try {
    return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = randomBytes(32);
  try {
    await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
    throw err;
  }
}
