import type { Contact, Reply } from '../../../handlers/reply.ts';
import type { Sender } from '../../../handlers/context.ts';
import { mentionText } from '../../../handlers/text.ts';
import { FULL_WIDTH, neutralize, utf8Bytes } from '../platform.ts';

/**
 * Reply → DingTalk robot messages (protocols.md §4.3), for custom-robot pushes and session
 * webhook replies alike (§5.3). Pure. An @ only notifies when `@<mobile>` or `@<userId>` is also
 * in the text (§4.3, §7.7), so every mention is written in both places.
 */

/** `460101 message too long, exceed 20000 bytes` (§4.4): the whole JSON body, in UTF-8 bytes. */
export const MAX_BODY_BYTES = 20_000;

const CUT_MARK = '\n\n…（内容过长，已截断）';
/** The notification preview and heading: a line, not a page (a 58 KB region name echoed in a title). */
export const MAX_TITLE_BYTES = 256;
/** Mentions take at most this share of a message; the rest are named as a count. */
const MENTION_SHARE = 0.5;

/**
 * DingTalk markdown (custom robot §4.3, session webhook §5.3) reads `#` headings, `*` emphasis,
 * `[text](url)` links and `![](url)` images, `>` quotes, backticks, a few HTML tags and `@mobile`
 * or `@userId` words (which notify when `at` lists them). Text from data or chat goes through
 * this before it is pushed, so it shows as typed and never becomes markup.
 */
const DINGTALK_SWAP = pick('#', '*', '[', ']', '<', '>', '@', '`');
export function escapeDingtalk(text: string): string {
  return neutralize(text, DINGTALK_SWAP);
}

/** A contact without a mobile or userId: `@name` shown, escaped, notifying nobody (never `@all`). */
function namedOnly(name: string): string {
  const n = escapeDingtalk(name);
  return /^(all|所有人)$/i.test(n.trim()) ? n : `@${n}`;
}

function pick(...chars: string[]): Record<string, string> {
  return Object.fromEntries(chars.map((c) => [c, FULL_WIDTH[c] ?? c]));
}

export interface At {
  atMobiles?: string[];
  atUserIds?: string[];
  isAtAll: false;
}
export type MarkdownMessage = { msgtype: 'markdown'; markdown: { title: string; text: string }; at: At };
export type TextMessage = { msgtype: 'text'; text: { content: string }; at: At };

/** A mobile or userId fit to stand after `@`: anything else is named, escaped, without notifying. */
const MENTIONABLE = /^[A-Za-z0-9_.+-]{1,64}$/;

/**
 * Mentions as `at` plus the `@…` words for the text: by mobile when known (the custom robot's
 * own form), else by userId (staffId); a contact with neither is named without a notification.
 * Past `maxBytes` of words and `at` entries the rest are counted, not listed.
 */
export function mentions(list: Contact[], maxBytes = Number.POSITIVE_INFINITY): { at: At; words: string[] } {
  const mobiles = new Set<string>();
  const userIds = new Set<string>();
  const words: string[] = [];
  let used = 0;
  let left = 0;
  for (const c of list) {
    const mobile = c.mobile && MENTIONABLE.test(c.mobile) ? c.mobile : undefined;
    const userId = c.dingtalkUserId && MENTIONABLE.test(c.dingtalkUserId) ? c.dingtalkUserId : undefined;
    const id = mobile ?? userId;
    const word = id ? `@${id}` : c.name ? namedOnly(c.name) : undefined;
    if (!word || words.includes(word)) continue;
    // The word in the text and the id in `at` (quoted, with a comma).
    const cost = utf8Bytes(word) + 1 + (id ? utf8Bytes(id) + 3 : 0);
    if (used + cost > maxBytes) {
      left++;
      continue;
    }
    used += cost;
    if (mobile) mobiles.add(mobile);
    else if (userId) userIds.add(userId);
    words.push(word);
  }
  if (left > 0) words.push(mentionText.more(left));
  const at: At = { isAtAll: false };
  if (mobiles.size > 0) at.atMobiles = [...mobiles];
  if (userIds.size > 0) at.atUserIds = [...userIds];
  return { at, words };
}

/**
 * Markdown: the title as a heading (and as the notification preview), each line a paragraph,
 * everything from the reply escaped (escapeDingtalk) and the whole JSON body within 20,000 bytes.
 */
export function toMarkdown(reply: Reply): MarkdownMessage {
  const title = fitJson(escapeDingtalk(reply.title), MAX_TITLE_BYTES, '…');
  const { at, words } = mentions(reply.mentions, MAX_BODY_BYTES * MENTION_SHARE);
  const tail = words.length > 0 ? `\n\n${words.join(' ')}` : '';
  const body = [`#### ${title}`, ...reply.lines.filter((l) => l !== '').map(escapeDingtalk)].join('\n\n');
  const shell: MarkdownMessage = { msgtype: 'markdown', markdown: { title, text: tail }, at };
  // The mentions are kept whole: they are the point of an alert.
  shell.markdown.text = fitJson(body, MAX_BODY_BYTES - jsonBytes(shell)) + tail;
  return shell;
}

/** Plain text: title line, then the lines, then the mentions. */
export function toText(reply: Reply): TextMessage {
  const { at, words } = mentions(reply.mentions, MAX_BODY_BYTES * MENTION_SHARE);
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
export function fitJson(text: string, max: number, mark = CUT_MARK): string {
  const size = (s: string) => jsonBytes(s) - 2;
  if (size(text) <= max) return text;
  const room = max - size(mark);
  let out = '';
  let used = 0;
  for (const ch of text) {
    const n = size(ch);
    if (used + n > room) break;
    out += ch;
    used += n;
  }
  return out + mark;
}
