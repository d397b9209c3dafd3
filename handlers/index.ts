import { distance } from 'fastest-levenshtein';
import { chart } from './chart.ts';
import type { HandlerContext } from './context.ts';
import { deadline } from './deadline.ts';
import { done } from './done.ts';
import { fail } from './fail.ts';
import { help } from './help.ts';
import { overdue } from './overdue.ts';
import type { Command } from './parse.ts';
import { rank } from './rank.ts';
import { rate } from './rate.ts';
import { repeat } from './repeat.ts';
import { type Reply, reply } from './reply.ts';
import { retry } from './retry.ts';
import { status } from './status.ts';
import { sub, subs, unsub } from './sub.ts';
import { t } from './text.ts';
import { trend } from './trend.ts';
import { whoami } from './whoami.ts';
import { audit } from './audit.ts';
import { probe, watch } from './probe.ts';
import {
  applyImport,
  cancelImport,
  importCommand,
  looksLikeNotice,
  previewFileImport,
  previewImport,
} from './import.ts';

export interface CommandSpec {
  name: string;
  /** Other words that run it, Chinese included. */
  aliases: string[];
  run: (args: string[], ctx: HandlerContext) => Reply | Promise<Reply>;
}

/** The command table: /help is rendered from it together with handlers/text.ts. */
export const commands: CommandSpec[] = [
  { name: 'rate', aliases: ['合格率', '查询', '检查情况'], run: rate },
  { name: 'rank', aliases: ['排名', '排行'], run: rank },
  { name: 'fail', aliases: ['不合格', '名单'], run: fail },
  { name: 'trend', aliases: ['走势', '趋势', '历史'], run: trend },
  { name: 'chart', aliases: ['图表', '图', '画图'], run: chart },
  { name: 'repeat', aliases: ['连续不合格', '屡查屡犯'], run: repeat },
  { name: 'deadline', aliases: ['截止', '整改', '截止日期'], run: deadline },
  { name: 'overdue', aliases: ['逾期'], run: overdue },
  { name: 'done', aliases: ['已报送', '已整改'], run: done },
  { name: 'sub', aliases: ['订阅', '关注'], run: sub },
  { name: 'unsub', aliases: ['取消订阅', '取消关注'], run: unsub },
  { name: 'subs', aliases: ['订阅列表', '我的订阅'], run: subs },
  { name: 'status', aliases: ['状态'], run: status },
  { name: 'retry', aliases: ['重发', '重试'], run: retry },
  { name: 'audit', aliases: ['变更记录', '审计'], run: audit },
  { name: 'import', aliases: ['导入'], run: importCommand },
  { name: 'apply', aliases: ['确认导入'], run: applyImport },
  { name: 'cancel', aliases: ['放弃导入', '取消导入'], run: cancelImport },
  { name: 'probe', aliases: ['监测', '站点监测', '探测'], run: probe },
  { name: 'watch', aliases: ['预警', '接近否决'], run: watch },
  { name: 'whoami', aliases: ['我是谁', '我的账号'], run: whoami },
  { name: 'help', aliases: ['帮助', '?', '？'], run: (args, ctx) => help(args, ctx, commands) },
];

export function findCommand(word: string): CommandSpec | undefined {
  return commands.find((c) => c.name === word || c.aliases.includes(word));
}

/** Runs a parsed message. An empty message is /help; an unknown word gets a suggestion. */
export async function dispatch(cmd: Command, ctx: HandlerContext): Promise<Reply> {
  const spec = findCommand(cmd.word);
  // A file sent (or quoted with an @) is an import to preview, unless the words with it are another command.
  if (ctx.file && (spec === undefined || spec.name === 'import')) return previewFileImport(ctx);
  if (cmd.word === '') return help([], ctx, commands);
  if (spec) return spec.run(cmd.args, ctx);
  // A pasted notice (long, about inspection results) is an import to preview.
  if (!cmd.slash && ctx.text !== undefined && looksLikeNotice(ctx.text)) return previewImport(ctx.text, ctx);
  // Without a slash, a bare region name ("福州") is a /rate question.
  if (!cmd.slash && cmd.args.length <= 1 && ctx.data.regions.resolve(cmd.word))
    return rate([cmd.word, ...cmd.args], ctx);
  const close = suggestCommands(cmd.word);
  // …and a mistyped one ("福洲") that is close to no command but to a region gets the region
  // suggestions from /rate, not "unknown command".
  if (
    !cmd.slash &&
    close.length === 0 &&
    cmd.args.length <= 1 &&
    ctx.data.regions.suggest(cmd.word).length > 0
  )
    return rate([cmd.word, ...cmd.args], ctx);
  return reply(t.unknownCommand(cmd.word), [...close, t.seeHelp]);
}

function suggestCommands(word: string): string[] {
  const close = commands
    .flatMap((c) => [c.name, ...c.aliases].map((w) => ({ c, d: distance(word, w) })))
    .filter((x) => x.d <= Math.max(1, Math.floor(word.length / 2)))
    .sort((a, b) => a.d - b.d)
    .map((x) => `/${x.c.name}`);
  const unique = [...new Set(close)].slice(0, 3);
  return unique.length > 0 ? [t.didYouMean(unique)] : [];
}
