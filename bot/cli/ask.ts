import path from 'node:path';
import { ensureSeeded } from '../../data/import/seed.ts';
import { openStore } from '../../data/open-store.ts';
import { replyToText } from '../../handlers/reply.ts';
import { chartText } from '../../handlers/chart-text.ts';
import { saveChart } from '../charts/save.ts';
import { loadConfig } from '../config.ts';
import { loadGroups } from '../groups.ts';
import { createLogger } from '../logger.ts';
import { readOutbox } from '../outbox/queue.ts';
import { Subscriptions } from '../alerts/subscriptions.ts';
import type { AdminCommand } from '../admin/server.ts';
import { throughWriter } from './writer.ts';
import { BotError } from '../errors.ts';
import { answer, type PipelineDeps } from '../pipeline.ts';
import { openReminders } from '../reminders/setup.ts';
import { openProbeStore, probeService } from '../probe/setup.ts';

const USAGE =
  'npm run ask -- [--now <ISO时间>] [--group <群id>] [--as <手机号或userid>] [--out <图片.png>] "/rate 福州"';

interface AskArgs {
  text: string;
  now?: Date;
  group?: string;
  as?: string;
  /** Where /chart writes its PNG (default var/charts/<name>.png). */
  out?: string;
}

export function parseAskArgs(argv: string[]): AskArgs | string {
  const words: string[] = [];
  const out: Partial<AskArgs> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = argv[i + 1];
    if (a === '--now' || a === '--group' || a === '--as' || a === '--out') {
      if (value === undefined) return `${a} 需要一个值。用法：${USAGE}`;
      i++;
      if (a === '--now') {
        const d = new Date(value);
        if (Number.isNaN(d.getTime()))
          return `--now 的时间无法识别：${value}（例：2020-04-15T09:00:00+08:00）`;
        out.now = d;
      } else if (a === '--group') out.group = value;
      else if (a === '--out') out.out = value;
      else out.as = value;
    } else words.push(a);
  }
  const text = words.join(' ').trim();
  if (!text) return `用法：${USAGE}`;
  return { ...out, text };
}

/**
 * `npm run ask -- "/rate 福州"`: the same pipeline as the chat platforms, answered in the
 * terminal. `--now` shows the state at another time (deadlines); `--group` answers as if asked in a
 * declared group; `--as` names the asker (for admin-only commands).
 *
 * Commands may write (/done, /sub, /deadline set, /retry), so the question goes through the one
 * writer (bot/cli/writer.ts): inside the running bot when one runs — the answer comes from its
 * live state and what it changes stays changed — else here, under the data directory's lock.
 */
export async function runAsk(
  argv: string[],
  env: Record<string, string | undefined>,
  out: (line: string) => void,
): Promise<number> {
  const args = parseAskArgs(argv);
  if (typeof args === 'string') {
    out(args);
    return 2;
  }
  const config = loadConfig(env);
  const log = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  return throughWriter({
    dataDir: config.dataDir,
    command: 'ask',
    // A chart's --out path is the user's: the bot, elsewhere, gets it absolute.
    argv: argv.map((a, i) => (argv[i - 1] === '--out' ? path.resolve(env.INIT_CWD ?? process.cwd(), a) : a)),
    out,
    alone: async () => {
      const opened = await openStore(config, { oneShot: true, warn: (m) => log.warn(m), note: (m) => log.info(m) });
      const store = opened.store;
      const now = args.now ?? new Date();
      await ensureSeeded(store, now);
      const groups = await loadGroups(config.groupsFile, env, store.dataset());
      const reminders = await openReminders(config.dataDir);
      // Subscriptions are this process's to change while it holds the lock (/sub). The outbox is
      // only read (/status): sending and re-sending (/retry) are the bot's.
      const subscriptions = await Subscriptions.open(config.dataDir, groups);
      const outboxReport = await readOutbox(config.dataDir);
      const deps: PipelineDeps = {
        store,
        log,
        now: () => now,
        services: {
          groups,
          tasks: reminders.service,
          subscriptions,
          probe: probeService(config, await openProbeStore(config, opened.pg)),
          ...(outboxReport ? { outboxReport } : {}),
        },
      };
      try {
        return await askCommand(args, deps, out);
      } finally {
        await opened.close();
      }
    },
  });
}

/** What the bot runs for `npm run ask` (bot/admin/server.ts), over its own pipeline and services. */
export function askInBot(deps: PipelineDeps): AdminCommand {
  return async (argv, out) => {
    const args = parseAskArgs(argv);
    if (typeof args === 'string') {
      out(args);
      return 2;
    }
    return askCommand(args, args.now ? { ...deps, now: () => args.now as Date } : deps, out);
  };
}

/** Answers one question through the pipeline and prints the reply as text. */
export async function askCommand(args: AskArgs, deps: PipelineDeps, out: (line: string) => void): Promise<number> {
  const sender = {
    platform: 'cli' as const,
    ...(args.as
      ? /^\d{11}$/.test(args.as)
        ? { mobile: args.as }
        : { name: args.as, dingtalkUserId: args.as, wecomUserId: args.as }
      : {}),
  };
  const reply = await answer(deps, args.text, sender, args.group);
  out(replyToText(reply));
  // /chart: the picture goes to a file, the way a group would receive it.
  if (reply.chart) out(chartText.savedTo(await saveChart(deps.store.dataset(), reply.chart, args.out)));
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.exitCode = await runAsk(process.argv.slice(2), process.env, (l) => console.log(l));
  } catch (err) {
    // The bot could not be reached, its secret not read, a file not opened: one line, no stack.
    console.log(err instanceof BotError && err.expose ? err.message : String((err as Error).message ?? err));
    process.exitCode = 1;
  }
}
