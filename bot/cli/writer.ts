import { request } from 'node:http';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DataLock, type LockHolder, LockHeldError } from '../../data/lock.ts';
import { storeText } from '../../data/store-text.ts';
import { writerText as tx } from '../../handlers/text.ts';
import { ADMIN_FILE, type AdminCommandName, adminFileSchema, type AdminFile } from '../admin/server.ts';
import { BotError } from '../errors.ts';

/**
 * How a command-line tool that writes reaches the data directory (README “One writer”):
 *
 * 1. a bot runs (the lock names a live bot on this host) → the command runs inside the bot,
 *    through its loopback admin endpoint, authenticated by the secret in `$DATA_DIR/admin.json`;
 * 2. nobody runs → the tool takes the lock itself for the length of the command (`alone`);
 * 3. another CLI holds the lock, or a process on another host → refused, naming the holder.
 *
 * A bot that is just starting (lock taken, admin.json not written yet) or just stopping
 * (admin port closed, lock not yet released) is waited for briefly.
 */
export interface WriterRoute {
  dataDir: string;
  command: AdminCommandName;
  /** What to run inside the bot (paths already absolute). */
  argv: string[];
  out: (line: string) => void;
  /** Runs the command in this process while it holds the lock. */
  alone: () => Promise<number>;
  /** How long to wait for a starting bot's admin.json (ms). */
  waitMs?: number;
}

/** The exit code of a refusal (a second writer): the same as any refused command. */
const REFUSED = 1;

export async function throughWriter(route: WriterRoute): Promise<number> {
  const waitMs = route.waitMs ?? 10_000;
  const deadline = Date.now() + waitMs;
  for (;;) {
    const current = await DataLock.holder(route.dataDir);
    // A bot on another host (a shared volume) is out of reach of this host's loopback: refused.
    if (current?.alive && current.holder.role === 'bot' && current.holder.host === os.hostname()) {
      const sent = await viaBot(route, current.holder, deadline);
      if (sent !== 'gone') return sent;
      continue; // the bot stopped meanwhile: take the lock ourselves
    }
    if (current?.alive)
      return refuse(route, new LockHeldError(DataLock.fileOf(route.dataDir), current.holder));
    let lock: DataLock;
    try {
      lock = await DataLock.acquire(route.dataDir, { role: 'cli', command: `npm run ${route.command}` });
    } catch (err) {
      if (!(err instanceof LockHeldError)) throw err;
      // A bot started between our look and our try: go through it.
      if (err.holder.role === 'bot' && Date.now() < deadline) continue;
      return refuse(route, err);
    }
    try {
      return await route.alone();
    } finally {
      await lock.release();
    }
  }
}

function refuse(route: WriterRoute, err: LockHeldError): number {
  route.out(err.holder.host === os.hostname() ? err.message : tx.otherHost(storeText.lockHolder(err.holder)));
  return REFUSED;
}

/** Runs the command inside the bot; 'gone' when the bot stopped before it could. */
async function viaBot(route: WriterRoute, holder: LockHolder, deadline: number): Promise<number | 'gone'> {
  const admin = await readAdmin(route.dataDir, holder, deadline);
  if (admin === 'gone') return 'gone';
  let res: { status: number; body: string };
  try {
    res = await post(admin, { command: route.command, argv: route.argv });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED' && !(await DataLock.holder(route.dataDir))?.alive) return 'gone';
    throw new BotError(
      tx.botUnreachable(holder.pid, code ?? (err as Error).message),
      'bot_unreachable',
      503,
      true,
    );
  }
  if (res.status !== 200) {
    let message = res.body;
    try {
      message = (JSON.parse(res.body) as { message?: string }).message ?? res.body;
    } catch {}
    throw new BotError(tx.botRefused(res.status, message), 'bot_refused', 502, true);
  }
  const { code, lines } = JSON.parse(res.body) as { code: number; lines: string[] };
  route.out(tx.viaBot(holder.pid));
  for (const line of lines) route.out(line);
  return code;
}

/** admin.json of the bot that holds the lock (waiting while it starts), or 'gone'. */
async function readAdmin(dataDir: string, holder: LockHolder, deadline: number): Promise<AdminFile | 'gone'> {
  const file = path.join(dataDir, ADMIN_FILE);
  for (;;) {
    try {
      const admin = adminFileSchema.parse(JSON.parse(await readFile(file, 'utf8')));
      if (admin.pid === holder.pid) return admin;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM')
        throw new BotError(tx.secretUnreadable(file), 'admin_secret', 403, true);
      if (code !== 'ENOENT' && !(err instanceof SyntaxError)) throw err;
    }
    const now = await DataLock.holder(dataDir);
    if (!now?.alive || now.holder.pid !== holder.pid) return 'gone';
    if (Date.now() > deadline)
      throw new BotError(tx.botUnreachable(holder.pid, `${ADMIN_FILE} 未出现`), 'bot_unreachable', 503, true);
    await sleep(50);
  }
}

/** One POST to the admin endpoint; no timeout: a national import may take minutes. */
function post(admin: AdminFile, body: unknown): Promise<{ status: number; body: string }> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: admin.port,
        method: 'POST',
        path: '/admin/run',
        agent: false,
        headers: {
          authorization: `Bearer ${admin.token}`,
          'content-type': 'application/json',
          'content-length': payload.length,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
