import type { HandlerContext } from './context.ts';
import type { CommandSpec } from './index.ts';
import { type Reply, reply } from './reply.ts';
import { commandText, t } from './text.ts';

/** /help and /help <命令>, rendered from the command table and handlers/text.ts. */
export function help(args: string[], _ctx: HandlerContext, table: CommandSpec[]): Reply {
  const word = args[0]?.replace(/^\//, '').toLowerCase();
  if (word) {
    const spec = table.find((c) => c.name === word || c.aliases.includes(word));
    const text = spec && commandText[spec.name];
    if (spec && text) {
      return reply(t.helpFor(spec.name), [
        text.summary,
        t.usage(text.usage),
        ...text.details,
        ...(spec.aliases.length > 0 ? [t.aliases(spec.aliases)] : []),
      ]);
    }
    return reply(t.unknownCommand(word), [t.seeHelp]);
  }
  const lines = table.map((c) => `${commandText[c.name]?.usage ?? `/${c.name}`}　${commandText[c.name]?.summary ?? ''}`);
  return reply(t.helpTitle, [...lines, t.helpFooter]);
}
