/**
 * The platform-neutral answer of every handler. Platforms render it (bot/platforms/*): the
 * title becomes a markdown heading or the first text line, each line a paragraph, and every
 * mention an @ in the platform's own form (WeCom `<@userid>` / mobile list, DingTalk `@mobile`
 * + `at.atMobiles`). Handlers never build platform syntax themselves.
 */
import type { ChartRef } from './charts/spec.ts';

export interface Contact {
  /** Display name, e.g. 张三 */
  name?: string;
  mobile?: string;
  wecomUserId?: string;
  dingtalkUserId?: string;
}

export interface Reply {
  /** One short line: the markdown title / notification preview. */
  title: string;
  /** Body lines, plain text; an empty string is a paragraph break. */
  lines: string[];
  /** People to @-mention with this reply. */
  mentions: Contact[];
  /**
   * A picture to send with the answer (/chart): what it shows, drawn by the platform from the
   * data (handlers/charts/). The lines are its text alternative.
   */
  chart?: ChartRef;
}

export function reply(title: string, lines: string[] = [], mentions: Contact[] = []): Reply {
  return { title, lines, mentions };
}

/** The reply as plain text, the way `npm run ask` prints it. */
export function replyToText(r: Reply): string {
  const head = [r.title, ...r.lines].join('\n');
  const at = r.mentions
    .map((c) => c.name ?? c.mobile ?? c.wecomUserId ?? c.dingtalkUserId)
    .filter(Boolean)
    .map((n) => `@${n}`);
  return at.length > 0 ? `${head}\n${at.join(' ')}` : head;
}
