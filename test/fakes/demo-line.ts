import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A line typed into `npm run fake:wecom` / `fake:dingtalk`: a message for the bot, where `\n`
 * stands for a line break (so a notice can be pasted as `/import 标题\n正文…`), or
 * `/file <path>` — the file sent to the bot as a file message (quoted with an @ in the demo
 * group, the way a file reaches a robot there), as for an import from the group.
 */
export type DemoLine = { kind: 'text'; text: string } | { kind: 'file'; name: string; bytes: Buffer } | { kind: 'error'; message: string };

export async function readDemoLine(line: string, cwd = process.env.INIT_CWD ?? process.cwd()): Promise<DemoLine> {
  const m = /^\/file\s+(.+)$/.exec(line.trim());
  if (!m) return { kind: 'text', text: line.replaceAll('\\n', '\n') };
  const file = path.resolve(cwd, m[1]!.trim());
  try {
    return { kind: 'file', name: path.basename(file), bytes: await readFile(file) };
  } catch (err) {
    return { kind: 'error', message: `cannot read ${file}: ${(err as Error).message}` };
  }
}

export const DEMO_LINE_HELP =
  'type a line (e.g. /rate 福州) to send it to the bot as an @-message; \\n in a line is a line break;\n' +
  '/file <path> sends that file (a notice .txt/.docx/.pdf/.html or a .xlsx/.csv) quoted with an @, as a group member does';
