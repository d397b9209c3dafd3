import type { Contact, Reply } from '../../../handlers/reply.ts';
import { mentionText } from '../../../handlers/text.ts';
import { FULL_WIDTH, neutralize, utf8Bytes } from '../platform.ts';

/**
 * Reply → WeCom message bodies. Pure; sizes are UTF-8 bytes (protocols.md §7.10: CJK is
 * 3 bytes), and every body is cut to fit its limit with a visible marker rather than refused.
 */

/** Group robot `text.content` limit (§1.2). */
export const TEXT_MAX_BYTES = 2048;
/** Group robot `markdown.content` limit (§1.2). */
export const MARKDOWN_MAX_BYTES = 4096;
/** 智能机器人 `stream.content` and response_url `markdown.content` limit (§3.1). */
export const STREAM_MAX_BYTES = 20480;

const CUT_MARK = '\n…（内容过长，已截断）';
/** The bold first line: a line, not a page (a 58 KB region name echoed in a title). */
export const MAX_TITLE_BYTES = 256;
/** Mentions take at most this share of a message; the rest are named as a count. */
const MENTION_SHARE = 0.5;

/**
 * WeCom markdown (group robot §1.2, 智能机器人 stream and response_url §3.1) reads `#` headings,
 * `**bold**`, `[text](url)` links, backticks, `>` quotes, `<font color>` and `<@userid>`
 * mentions. Text from data or chat goes through this before it is pushed, so it shows as typed
 * and never becomes markup or a mention.
 */
const WECOM_SWAP = Object.fromEntries(
  ['#', '*', '[', ']', '<', '>', '@', '`'].map((c) => [c, FULL_WIDTH[c] ?? c]),
);
export function escapeWecom(text: string): string {
  return neutralize(text, WECOM_SWAP);
}

/**
 * A WeCom userid fit for `<@…>` and mentioned_list: letters, digits and `_.-@`, not starting with
 * `@` (so never `@all`, which notifies everyone, §1.2).
 */
const USERID = /^[A-Za-z0-9_.-][A-Za-z0-9_.@-]{0,63}$/;
/** A mobile for mentioned_mobile_list (never `@all`). */
const MOBILE = /^\+?[0-9-]{5,20}$/;

/** Cuts `text` to at most `max` UTF-8 bytes on a character boundary, marking the cut. */
export function fitBytes(text: string, max: number, mark = CUT_MARK): string {
  if (utf8Bytes(text) <= max) return text;
  const room = max - utf8Bytes(mark);
  let out = '';
  let used = 0;
  for (const ch of text) {
    const n = utf8Bytes(ch);
    if (used + n > room) break;
    out += ch;
    used += n;
  }
  return out + mark;
}

/**
 * Markdown body: bold title, lines as paragraphs, `<@userid>` mentions (§1.2, §7.8); everything
 * from the reply escaped (escapeWecom) and the whole within `max` bytes.
 */
export function markdownContent(reply: Reply, max: number): string {
  const title = fitBytes(escapeWecom(reply.title), MAX_TITLE_BYTES, '…');
  const body = [`**${title}**`, ...reply.lines.map(escapeWecom)].join('\n');
  // Markdown can only @ by userid; a contact known only by mobile is named, not notified (§1.2).
  const at: string[] = [];
  let used = 0;
  let left = 0;
  for (const c of reply.mentions) {
    const word = c.wecomUserId && USERID.test(c.wecomUserId) ? `<@${c.wecomUserId}>` : displayName(c);
    if (!word || at.includes(word)) continue;
    if (used + utf8Bytes(word) + 1 > max * MENTION_SHARE) {
      left++;
      continue;
    }
    used += utf8Bytes(word) + 1;
    at.push(word);
  }
  if (left > 0) at.push(mentionText.more(left));
  const tail = at.length > 0 ? `\n${at.join(' ')}` : '';
  // The mentions are kept whole: they are the point of an alert.
  return fitBytes(body, max - utf8Bytes(tail)) + tail;
}

/** Group robot `markdown` message (≤4096 bytes, §1.2). */
export function toMarkdown(reply: Reply): { msgtype: 'markdown'; markdown: { content: string } } {
  return { msgtype: 'markdown', markdown: { content: markdownContent(reply, MARKDOWN_MAX_BYTES) } };
}

/** Group robot `text` message with mentioned_list / mentioned_mobile_list (≤2048 bytes, §1.2). */
export function toText(reply: Reply): {
  msgtype: 'text';
  text: { content: string; mentioned_list?: string[]; mentioned_mobile_list?: string[] };
} {
  const ids = unique(
    reply.mentions.flatMap((c) => (c.wecomUserId && USERID.test(c.wecomUserId) ? [c.wecomUserId] : [])),
  );
  const mobiles = unique(
    reply.mentions.flatMap((c) =>
      !ids.includes(c.wecomUserId ?? '') && c.mobile && MOBILE.test(c.mobile) ? [c.mobile] : [],
    ),
  );
  const text: { content: string; mentioned_list?: string[]; mentioned_mobile_list?: string[] } = {
    content: fitBytes([reply.title, ...reply.lines].join('\n'), TEXT_MAX_BYTES),
  };
  if (ids.length > 0) text.mentioned_list = ids;
  if (mobiles.length > 0) text.mentioned_mobile_list = mobiles;
  return { msgtype: 'text', text };
}

/** Passive reply / long-connection reply: one finished `stream` message (§3.1, §3.2). */
export function toStream(reply: Reply, id: string, image?: { base64: string; md5: string }) {
  const stream: {
    id: string;
    finish: true;
    content: string;
    msg_item?: Array<{ msgtype: 'image'; image: { base64: string; md5: string } }>;
  } = { id, finish: true, content: markdownContent(reply, STREAM_MAX_BYTES) };
  // Pictures ride only on the finishing reply, as msg_item (§3.1, §10.3).
  if (image) stream.msg_item = [{ msgtype: 'image', image }];
  return { msgtype: 'stream' as const, stream };
}

/** The one active reply allowed through response_url: markdown ≤20480 bytes (§3.1). */
export function toResponseMarkdown(reply: Reply) {
  return { msgtype: 'markdown' as const, markdown: { content: markdownContent(reply, STREAM_MAX_BYTES) } };
}

/** A contact without a userid: `@name` shown, escaped, notifying nobody. */
function displayName(c: Contact): string {
  const n = c.name ?? c.mobile ?? c.dingtalkUserId;
  return n ? `@${escapeWecom(n)}` : '';
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
