import type { Contact, Reply } from '../../../handlers/reply.ts';
import { utf8Bytes } from '../platform.ts';

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

/** Cuts `text` to at most `max` UTF-8 bytes on a character boundary, marking the cut. */
export function fitBytes(text: string, max: number): string {
  if (utf8Bytes(text) <= max) return text;
  const room = max - utf8Bytes(CUT_MARK);
  let out = '';
  let used = 0;
  for (const ch of text) {
    const n = utf8Bytes(ch);
    if (used + n > room) break;
    out += ch;
    used += n;
  }
  return out + CUT_MARK;
}

/** Markdown body: bold title, lines as paragraphs, `<@userid>` mentions (§1.2, §7.8). */
export function markdownContent(reply: Reply, max: number): string {
  const body = [`**${reply.title}**`, ...reply.lines].join('\n');
  // Markdown can only @ by userid; a contact known only by mobile is named, not notified (§1.2).
  const at = reply.mentions
    .map((c) => (c.wecomUserId ? `<@${c.wecomUserId}>` : displayName(c)))
    .filter(Boolean);
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
  const ids = unique(reply.mentions.flatMap((c) => (c.wecomUserId ? [c.wecomUserId] : [])));
  const mobiles = unique(reply.mentions.flatMap((c) => (!c.wecomUserId && c.mobile ? [c.mobile] : [])));
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

function displayName(c: Contact): string {
  const n = c.name ?? c.mobile ?? c.dingtalkUserId;
  return n ? `@${n}` : '';
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
