import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { rm } from 'node:fs/promises';
import Router from '@koa/router';
import { z } from 'zod';
import { writeFileAtomic } from '../../data/json-file.ts';
import type { InspectionStore } from '../../data/store.ts';
import { requireBearer } from '../api/auth.ts';
import { createApp, listen } from '../app.ts';
import { BotError, PayloadError } from '../errors.ts';
import { parseJson, readRawBody } from '../http/raw-body.ts';
import type { Logger } from '../logger.ts';
import { probeText } from '../../handlers/text.ts';

/**
 * The bot's admin door for its own command-line tools (README “One writer”). The bot owns its
 * data directory; `npm run import … --apply` and `npm run ask` run their command *inside* the bot
 * through this endpoint, so whatever they change goes through the bot's one copy of each
 * document and its listeners (alerts, reminder tasks) — instead of a second process rewriting
 * the files under the bot, whose next write would undo it.
 *
 * - Listens on 127.0.0.1 only (never HOST), on a port of the kernel's choosing unless ADMIN_PORT
 *   says otherwise, and refuses any peer that is not loopback.
 * - Each start makes a new 256-bit secret and writes `{pid, port, token}` to
 *   `$DATA_DIR/admin.json` with mode 0600: only the bot's user (and root) can read it, and so
 *   only they can drive the bot. Removed on a clean stop; a stale one (crash) is ignored by
 *   clients because the lock names no live bot.
 * - Thin: authenticates, parses, and runs the named command with the bot's own services.
 */
export const ADMIN_FILE = 'admin.json';
/** argv of a command: a few file paths and flags. */
const ADMIN_BODY_LIMIT = 256 * 1024;

export const adminFileSchema = z.object({ pid: z.number(), port: z.number(), token: z.string() });
export type AdminFile = z.infer<typeof adminFileSchema>;

const runSchema = z.object({
  command: z.enum(['import', 'ask', 'probe-warn']),
  argv: z.array(z.string().max(4096)).max(64),
});
export type AdminCommandName = z.infer<typeof runSchema>['command'];

/** A CLI command run inside the bot: prints through `out`, returns the exit code. */
export type AdminCommand = (argv: string[], out: (line: string) => void) => Promise<number>;

export interface AdminDeps {
  dataDir: string;
  store: InspectionStore;
  log: Logger;
  /** `probe-warn` only where probing is on (PROBE=on). */
  commands: Record<Exclude<AdminCommandName, 'probe-warn'>, AdminCommand> &
    Partial<Record<AdminCommandName, AdminCommand>>;
  port?: number;
}

class NotLoopbackError extends BotError {
  constructor() {
    super('admin: loopback only', 'not_loopback', 403, true);
  }
}

export async function startAdmin(deps: AdminDeps): Promise<{ port: number; stop(): Promise<void> }> {
  const token = randomBytes(32).toString('hex');
  const router = new Router({ prefix: '/admin' });
  router.use(async (ctx, next) => {
    if (!isLoopback(ctx.socket.remoteAddress)) throw new NotLoopbackError();
    requireBearer(ctx, token);
    await next();
  });
  router.post('/run', async (ctx) => {
    const parsed = runSchema.safeParse(parseJson(await readRawBody(ctx, ADMIN_BODY_LIMIT), 'admin'));
    if (!parsed.success) throw new PayloadError(`admin: ${parsed.error.issues[0]?.message ?? 'bad body'}`);
    const { command, argv } = parsed.data;
    const lines: string[] = [];
    deps.log.info({ command, argv }, 'admin: running a command for the CLI');
    const run = deps.commands[command];
    let code = 2;
    if (run) code = await run(argv, (line) => lines.push(line));
    else lines.push(probeText.warnOff);
    ctx.body = { code, lines };
  });
  const app = createApp({ store: deps.store, log: deps.log, routers: [router] });
  // Node's limits on receiving a request (SERVER_LIMITS); answering may take as long as the
  // command does (a national spreadsheet import: minutes), and the CLI waits for it.
  const server: Server = await listen(app, deps.port ?? 0, '127.0.0.1');
  const port = (server.address() as AddressInfo).port;
  const file = path.join(deps.dataDir, ADMIN_FILE);
  const record: AdminFile = { pid: process.pid, port, token };
  await writeFileAtomic(file, `${JSON.stringify(record)}\n`, 0o600);
  return {
    port,
    async stop() {
      await rm(file, { force: true });
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || /^(::ffff:)?127\./.test(address);
}
