import { z } from 'zod';
import { PayloadError } from '../../errors.ts';
import type { Groups } from '../../groups.ts';
import type { ChatFileRef } from '../../../handlers/services.ts';
import type { Inbound } from '../../pipeline.ts';

/**
 * A robot message (HTTP-mode body or Stream CALLBACK `data`, protocols.md §5.2, §6.2, §10.1) → a
 * DingtalkMessage, or null for a body that is not a message at all. `text` is read, and a file:
 * `msgtype: file` (a 1:1 chat) or a text quoting a file (`text.repliedMsg`, how a group gets one:
 * quote + @) carries its download code and name as `file`. Other types (picture, richText,
 * audio, video, a quote without a download code) come back marked `unsupported` so the bot can
 * say so. A message missing the fields the bot needs is a PayloadError (400).
 */
const messageSchema = z.object({
  // Printable ASCII only: it becomes a dedupe key in a line-based journal.
  msgId: z.string().regex(/^[\x21-\x7e]{1,256}$/),
  msgtype: z.string(),
  conversationId: z.string().min(1),
  conversationType: z.string().optional(), // "1" single, "2" group
  senderStaffId: z.string().optional(), // the userId; absent for users outside the org
  senderNick: z.string().optional(),
  sessionWebhook: z.string().optional(),
  sessionWebhookExpiredTime: z.number().optional(),
  robotCode: z.string().optional(),
});
/** A file's download code and name (§10.1: `content` of a file message, or of a quoted one). */
const fileContent = z.object({
  downloadCode: z.string().min(1).max(4096),
  fileName: z.string().max(1024).optional(),
});
/** A quoted message (community-observed shape, §10.1 "Group workaround for files"). */
const repliedSchema = z.object({
  msgType: z.string().optional(),
  content: z.unknown().optional(),
});
/** What a text message must carry besides: the text and where to answer. */
const textSchema = z.object({
  text: z.object({
    content: z.string().optional(),
    isReplyMsg: z.boolean().optional(),
    repliedMsg: repliedSchema.optional(),
  }),
  sessionWebhook: z.string().min(1),
  sessionWebhookExpiredTime: z.number(),
});
const fileSchema = z.object({ content: fileContent });

export interface DingtalkMessage {
  inbound: Inbound;
  /** Where the answer goes: no auth, usable until expiresAt (ms) (§5.3). */
  session?: { url: string; expiresAt: number };
}

export function decodeMessage(body: unknown, groups: Groups): DingtalkMessage | null {
  const msgtype = (body as { msgtype?: unknown } | null)?.msgtype;
  if (typeof msgtype !== 'string') return null;
  const parsed = messageSchema.safeParse(body);
  const text = msgtype === 'text' ? textSchema.safeParse(body) : undefined;
  const file = msgtype === 'file' ? fileSchema.safeParse(body) : undefined;
  const issues = [
    ...(parsed.error?.issues ?? []),
    ...(text?.error?.issues ?? []),
    ...(file?.error?.issues ?? []),
  ];
  if (!parsed.success || issues.length > 0) {
    const where = issues.map((i) => i.path.join('.') || 'body').join(', ');
    throw new PayloadError(`dingtalk.decode: ${msgtype.slice(0, 20)} message missing or malformed: ${where}`);
  }
  const m = parsed.data;
  const inbound: Inbound = {
    platform: 'dingtalk',
    msgId: m.msgId,
    text: text?.data ? stripMention(text.data.text.content ?? '') : '',
    sender: { platform: 'dingtalk' },
    conversationId: m.conversationId,
  };
  if (m.senderStaffId) inbound.sender.dingtalkUserId = m.senderStaffId;
  if (m.senderNick) inbound.sender.name = m.senderNick;
  if (m.conversationType === '2') {
    const group = groups.byConversation('dingtalk', m.conversationId);
    if (group) inbound.groupId = group.id;
  }
  const out: DingtalkMessage = { inbound };
  if (m.sessionWebhook && m.sessionWebhookExpiredTime !== undefined)
    out.session = { url: m.sessionWebhook, expiresAt: m.sessionWebhookExpiredTime };
  const robotCode = m.robotCode ? { robotCode: m.robotCode } : {};
  if (file?.data) {
    inbound.file = fileRef(file.data.content, robotCode);
  } else if (text?.data?.text.isReplyMsg && text.data.text.repliedMsg) {
    // A quote + @: the quoted file is the import; a quote of anything else is an ordinary text
    // message, unless nothing was typed with it (then say what the bot could not read).
    const quoted = text.data.text.repliedMsg;
    const content = fileContent.safeParse(quoted.content);
    if (quoted.msgType === 'file' && content.success) inbound.file = fileRef(content.data, robotCode);
    else if (inbound.text === '' && quoted.msgType && quoted.msgType !== 'text')
      inbound.unsupported = quoted.msgType === 'file' ? 'unknownMsgType' : quoted.msgType.slice(0, 40);
  } else if (msgtype !== 'text') inbound.unsupported = msgtype;
  return out;
}

function fileRef(content: z.infer<typeof fileContent>, robot: { robotCode?: string }): ChatFileRef {
  const ref: ChatFileRef = { platform: 'dingtalk', handle: { downloadCode: content.downloadCode, ...robot } };
  if (content.fileName) ref.name = content.fileName;
  return ref;
}

/** text.content is what follows the @ and often starts with a space (§5.2); drop a leftover @bot too. */
export function stripMention(text: string): string {
  return text.replace(/^\s*@\S+\s*/u, '').trim();
}
