import { z } from 'zod';
import { PayloadError } from '../../errors.ts';
import type { Groups } from '../../groups.ts';
import type { Inbound } from '../../pipeline.ts';

/**
 * A decrypted 智能机器人 message (callback body or long-connection frame body, protocols.md
 * §3.1/§3.2, §10.2) → Inbound, or null for what the bot ignores (events, stream refreshes). A
 * file — sent in a single chat, or quoted with an @ in a group (`quote.file`) — carries its
 * download URL (and, over the long connection, its own `aeskey`) as `file`; images, voice and
 * video come back marked `unsupported`. A message that claims to be text but lacks its fields
 * is a PayloadError.
 */
const fileContent = z.object({ url: z.string().min(1).max(8192), aeskey: z.string().max(256).optional() });
const quoteSchema = z.object({ msgtype: z.string(), file: fileContent.optional() });
const MEDIA = new Set(['image', 'voice', 'video']);

const messageSchema = z.object({
  // Printable ASCII only: it becomes a dedupe key in a line-based journal.
  msgid: z.string().regex(/^[\x21-\x7e]{1,256}$/),
  aibotid: z.string().optional(),
  chatid: z.string().optional(), // only present in group chats (§3.1)
  chattype: z.string().optional(),
  from: z.object({ userid: z.string().min(1) }),
  response_url: z.string().optional(),
  msgtype: z.string(),
  text: z.object({ content: z.string() }).optional(),
  mixed: z
    .object({
      msg_item: z.array(
        z.object({ msgtype: z.string(), text: z.object({ content: z.string() }).optional() }),
      ),
    })
    .optional(),
  file: fileContent.optional(),
  quote: quoteSchema.optional(),
});

export interface WecomInbound {
  inbound: Inbound;
  /** One active reply, single use, one hour (§3.1); absent over the long connection. */
  responseUrl?: string;
}

export function decodeMessage(body: unknown, groups: Groups): WecomInbound | null {
  const msgtype = (body as { msgtype?: unknown } | null)?.msgtype;
  if (typeof msgtype !== 'string' || !(['text', 'mixed', 'file'].includes(msgtype) || MEDIA.has(msgtype)))
    return null;
  const parsed = messageSchema.safeParse(body);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => i.path.join('.') || 'body').join(', ');
    throw new PayloadError(`wecom.decode: ${msgtype} message missing or malformed: ${where}`);
  }
  const m = parsed.data;
  const raw =
    m.msgtype === 'text'
      ? (m.text?.content ?? '')
      : (m.mixed?.msg_item ?? [])
          .flatMap((i) => (i.msgtype === 'text' && i.text ? [i.text.content] : []))
          .join(' ');
  const inbound: Inbound = {
    platform: 'wecom',
    msgId: m.msgid,
    text: stripMention(raw),
    sender: { platform: 'wecom', wecomUserId: m.from.userid },
  };
  if (m.chatid) {
    inbound.conversationId = m.chatid;
    const group = groups.byConversation('wecom', m.chatid);
    if (group) inbound.groupId = group.id;
  }
  const file = m.msgtype === 'file' ? m.file : m.quote?.msgtype === 'file' ? m.quote.file : undefined;
  if (m.msgtype === 'file' && !file)
    throw new PayloadError('wecom.decode: file message missing or malformed: file');
  if (file)
    inbound.file = {
      platform: 'wecom',
      handle: { url: file.url, ...(file.aeskey ? { aeskey: file.aeskey } : {}) },
    };
  else if (MEDIA.has(m.msgtype)) inbound.unsupported = m.msgtype;
  const out: WecomInbound = { inbound };
  if (m.response_url) out.responseUrl = m.response_url;
  return out;
}

/** text.content carries the raw "@BotName " prefix in groups (§3.1); drop it. */
export function stripMention(text: string): string {
  return text.replace(/^\s*@\S+\s*/u, '').trim();
}
