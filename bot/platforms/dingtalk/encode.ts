import type { Contact, Reply } from '../../../handlers/reply.ts';
import type { Sender } from '../../../handlers/context.ts';
import { utf8Bytes } from '../platform.ts';

/**
 * Reply → DingTalk robot messages (protocols.md §4.3), for custom-robot pushes and session
 * webhook replies alike (§5.3). Pure. An @ only notifies when `@<mobile>` or `@<userId>` is also
 * in the text (§4.3, §7.7), so every mention is written in both places.
 */

/** `460101 message too long, exceed 20000 bytes` (§4.4): the whole JSON body, in UTF-8 bytes. */
export const MAX_BODY_BYTES = 20_000;

const CUT_MARK = '\n\n…（内容过长，已截断）';

export interface At {
  atMobiles?: string[];
  atUserIds?: string[];
  isAtAll: false;
}
export type MarkdownMessage = { msgtype: 'markdown'; markdown: { title: string; text: string }; at: At };
export type TextMessage = { msgtype: 'text'; text: { content: string }; at: At };

/**
 * Mentions as `at` plus the `@…` words for the text: by mobile when known (the custom robot's
 * own form), else by userId (staffId); a contact with neither is named without a notification.
 */
export function mentions(list: Contact[]): { at: At; words: string[] } {
  const mobiles = new Set<string>();
  const userIds = new Set<string>();
  const words: string[] = [];
  for (const c of list) {
    const id = c.mobile ?? c.dingtalkUserId;
    if (c.mobile) mobiles.add(c.mobile);
    else if (c.dingtalkUserId) userIds.add(c.dingtalkUserId);
    const word = id ?? c.name;
    if (word && !words.includes(`@${word}`)) words.push(`@${word}`);
  }
  const at: At = { isAtAll: false };
  if (mobiles.size > 0) at.atMobiles = [...mobiles];
  if (userIds.size > 0) at.atUserIds = [...userIds];
  return { at, words };
}

/** Markdown: the title as a heading (and as the notification preview), each line a paragraph. */
export function toMarkdown(reply: Reply): MarkdownMessage {
  const { at, words } = mentions(reply.mentions);
  const tail = words.length > 0 ? `\n\n${words.join(' ')}` : '';
  const body = [`#### ${reply.title}`, ...reply.lines.filter((l) => l !== '')].join('\n\n');
  const shell: MarkdownMessage = { msgtype: 'markdown', markdown: { title: reply.title, text: tail }, at };
  // The mentions are kept whole: they are the point of an alert.
  shell.markdown.text = fitJson(body, MAX_BODY_BYTES - jsonBytes(shell)) + tail;
  return shell;
}

/** Plain text: title line, then the lines, then the mentions. */
export function toText(reply: Reply): TextMessage {
  const { at, words } = mentions(reply.mentions);
  const tail = words.length > 0 ? `\n${words.join(' ')}` : '';
  const shell: TextMessage = { msgtype: 'text', text: { content: tail }, at };
  shell.text.content =
    fitJson([reply.title, ...reply.lines].join('\n'), MAX_BODY_BYTES - jsonBytes(shell)) + tail;
  return shell;
}

/** A session-webhook answer: markdown that also @-mentions the asker by userId (§5.3). */
export function toAnswer(reply: Reply, asker: Sender): MarkdownMessage {
  const id = asker.dingtalkUserId;
  const known = reply.mentions.some((c) => id !== undefined && c.dingtalkUserId === id && !c.mobile);
  return toMarkdown(
    id && !known ? { ...reply, mentions: [...reply.mentions, { dingtalkUserId: id }] } : reply,
  );
}

export function jsonBytes(value: unknown): number {
  return utf8Bytes(JSON.stringify(value));
}

/**
 * Cuts `text` so that it takes at most `max` bytes inside a JSON string (escapes counted: a
 * newline is two bytes, a CJK character three), on a character boundary, marking the cut.
 */
export function fitJson(text: string, max: number): string {
  const size = (s: string) => jsonBytes(s) - 2;
  if (size(text) <= max) return text;
  const room = max - size(CUT_MARK);
  let out = '';
  let used = 0;
  for (const ch of text) {
    const n = size(ch);
    if (used + n > room) break;
    out += ch;
    used += n;
  }
  return out + CUT_MARK;
}
