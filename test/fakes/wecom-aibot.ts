import { createHash, randomUUID } from 'node:crypto';

/**
 * The rules the fake WeCom applies to the 智能机器人 long connection's commands (protocols.md
 * §3.1, §3.2), as the platform and the official `@wecom/aibot-node-sdk` state them. Where the
 * platform's answer is not documented, the errcode chosen is marked as a guess.
 */

export interface Refusal {
  errcode: number;
  errmsg: string;
}

/** What a req_id the fake sent allows the client to do with it. */
export interface CallbackRecord {
  botId: string;
  /** aibot_msg_callback → aibot_respond_msg; enter_chat → welcome; template_card_event → update. */
  kind: 'msg' | 'enter_chat' | 'template_card_event';
  /** chatid of a group, the sender's userid in a single chat. */
  conversation: string;
  at: number;
  /** First stream reply (the 6-minute refresh window counts from the user's message, §3.1). */
  finished: boolean;
  /** A welcome or card update answers its event once. */
  used: boolean;
}

/** stream.content and markdown.content: at most 20,480 bytes (§3.1). */
export const CONTENT_LIMIT_BYTES = 20_480;
/** Replies are allowed within 24 h of the user's message (§3.2 limits). */
export const REPLY_WINDOW_MS = 24 * 3600_000;
/** A stream may be refreshed for 6 minutes from the user's message (§3.1, §3.2). */
export const STREAM_WINDOW_MS = 6 * 60_000;
/** Welcome and card-update replies within 5 s of their event (§3.2 table). */
export const EVENT_REPLY_MS = 5_000;
/** Any conversation: ≤ 30 messages a minute and 1,000 an hour, replies and pushes together (§3.2). */
export const PER_MINUTE = 30;
export const PER_HOUR = 1000;
/** Uploads: chunks ≤ 512 KB before base64, ≤ 100 chunks (§3.2 table; the SDK's CHUNK_SIZE). */
export const CHUNK_MAX_BYTES = 512 * 1024;
export const MAX_CHUNKS = 100;
/** Media ids live 3 days (§3.2 table). */
export const MEDIA_TTL_S = 3 * 24 * 3600;

const INVALID_REQ_ID: Refusal = { errcode: 846605, errmsg: 'invalid req_id' }; // §3.2 [T]
const EXPIRED: Refusal = { errcode: 846608, errmsg: 'stream message update expired' }; // §3.2 [T]
// 40058 is WeCom's "invalid request parameter" (used for over-long content by the group robot,
// §1.5); that the long connection answers bad bodies with it is a guess.
const bad = (why: string): Refusal => ({ errcode: 40058, errmsg: `${why}. invalid Request Parameter` });
// 45009 "api freq out of limit" is WeCom's rate-limit code (§1.5, §3.2 subscribe); for the
// per-conversation message limit it is a guess.
const RATE: Refusal = { errcode: 45009, errmsg: 'api freq out of limit' };

const REPLY_TYPES = new Set([
  'stream',
  'markdown',
  'template_card',
  'stream_with_template_card',
  'file',
  'image',
  'voice',
  'video',
]);
const SEND_TYPES = new Set(['markdown', 'template_card', 'file', 'image', 'voice', 'video']);
const MEDIA_TYPES = new Set(['file', 'image', 'voice', 'video']);

type Body = Record<string, unknown> | undefined;

function contentOf(body: Body, type: string): unknown {
  return (body?.[type] as { content?: unknown } | undefined)?.content;
}

function overLimit(content: unknown): boolean {
  return typeof content === 'string' && Buffer.byteLength(content, 'utf8') > CONTENT_LIMIT_BYTES;
}

/** aibot_respond_msg: a reply to a message callback, with its req_id (§3.2). Marks a finished stream. */
export function checkRespond(
  cb: CallbackRecord | undefined,
  botId: string,
  raw: unknown,
  now: number,
): Refusal | undefined {
  if (cb?.kind !== 'msg' || cb.botId !== botId) return INVALID_REQ_ID;
  // The code for a reply after 24 h is not documented; the fake answers as for an unknown req_id.
  if (now - cb.at > REPLY_WINDOW_MS) return INVALID_REQ_ID;
  const body = raw as Body;
  const type = typeof body?.msgtype === 'string' ? body.msgtype : '';
  if (!REPLY_TYPES.has(type)) return bad(`msgtype ${type || '(none)'} not allowed in aibot_respond_msg`);
  if (type === 'stream' || type === 'stream_with_template_card') {
    const stream = body?.stream as
      | { id?: unknown; finish?: unknown; content?: unknown; msg_item?: unknown }
      | undefined;
    if (typeof stream?.id !== 'string' || stream.id === '') return bad('stream.id missing');
    // An update after finish:true: the platform's answer is not documented; the fake treats the
    // stream as over, with the code WeCom gives for an expired one (guess).
    if (cb.finished || now - cb.at > STREAM_WINDOW_MS) return EXPIRED;
    if (overLimit(stream.content)) return bad(`stream.content exceed max length ${CONTENT_LIMIT_BYTES}`);
    // "msg_item not supported" on the long connection (§3.2 table).
    if (stream.msg_item !== undefined) return bad('stream.msg_item not supported on the long connection');
    if (stream.finish === true) cb.finished = true;
    return undefined;
  }
  if (cb.finished) return EXPIRED;
  if (overLimit(contentOf(body, type)))
    return bad(`${type}.content exceed max length ${CONTENT_LIMIT_BYTES}`);
  cb.finished = true; // any other reply answers the message once
  return undefined;
}

/** aibot_respond_welcome_msg (enter_chat) and aibot_respond_update_msg (card event): once, within 5 s. */
export function checkEventReply(
  cb: CallbackRecord | undefined,
  kind: 'enter_chat' | 'template_card_event',
  botId: string,
  now: number,
): Refusal | undefined {
  if (!cb || cb.kind !== kind || cb.botId !== botId) return INVALID_REQ_ID;
  // Too late or twice: not documented; the fake answers as for an expired reply (guess).
  if (cb.used || now - cb.at > EVENT_REPLY_MS) return EXPIRED;
  cb.used = true;
  return undefined;
}

/**
 * aibot_send_msg: a proactive push to a conversation where a user has messaged the bot before
 * (§3.2 table). The code for an unknown chat is not documented; 93006 "invalid chatid" (guess).
 */
export function checkSend(raw: unknown, knownConversations: ReadonlySet<string>): Refusal | undefined {
  const body = raw as Body;
  const chatid = typeof body?.chatid === 'string' ? body.chatid : '';
  if (!chatid || !knownConversations.has(chatid)) return { errcode: 93006, errmsg: 'invalid chatid' };
  const type = typeof body?.msgtype === 'string' ? body.msgtype : '';
  if (!SEND_TYPES.has(type)) return bad(`msgtype ${type || '(none)'} not allowed in aibot_send_msg`);
  if (overLimit(contentOf(body, type)))
    return bad(`${type}.content exceed max length ${CONTENT_LIMIT_BYTES}`);
  return undefined;
}

/** 30 a minute and 1,000 an hour per conversation, replies and pushes together (§3.2). */
export class ConversationRate {
  private readonly sent = new Map<string, number[]>();

  /** Counts one message if the conversation is under both limits; otherwise the refusal. */
  take(conversation: string, now: number): Refusal | undefined {
    const recent = (this.sent.get(conversation) ?? []).filter((t) => now - t < 3600_000);
    this.sent.set(conversation, recent);
    if (recent.length >= PER_HOUR || recent.filter((t) => now - t < 60_000).length >= PER_MINUTE) return RATE;
    recent.push(now);
    return undefined;
  }
}

interface Upload {
  type: string;
  filename: string;
  totalSize: number;
  totalChunks: number;
  md5: string;
  chunks: Map<number, Buffer>;
}

/** aibot_upload_media_init / _chunk / _finish (§3.2 table), as the official SDK drives them. */
export class MediaUploads {
  /** Finished uploads by media_id. */
  readonly media = new Map<string, { type: string; filename: string; bytes: Buffer; createdAt: number }>();
  private readonly open = new Map<string, Upload>();

  init(raw: unknown): Refusal | { upload_id: string } {
    const b = raw as Body;
    const type = String(b?.type ?? '');
    const totalSize = Number(b?.total_size);
    const totalChunks = Number(b?.total_chunks);
    if (!MEDIA_TYPES.has(type)) return bad(`type ${type || '(none)'} not a media type`);
    if (typeof b?.filename !== 'string' || b.filename === '') return bad('filename missing');
    if (!Number.isInteger(totalSize) || totalSize <= 0) return bad('total_size invalid');
    if (!Number.isInteger(totalChunks) || totalChunks < 1 || totalChunks > MAX_CHUNKS)
      return bad(`total_chunks must be 1..${MAX_CHUNKS}`);
    if (totalChunks !== Math.ceil(totalSize / CHUNK_MAX_BYTES) && totalSize > totalChunks * CHUNK_MAX_BYTES)
      return bad('total_size does not fit total_chunks');
    if (typeof b?.md5 !== 'string' || !/^[0-9a-f]{32}$/i.test(b.md5)) return bad('md5 invalid');
    const upload_id = `upload_${randomUUID()}`;
    this.open.set(upload_id, {
      type,
      filename: b.filename,
      totalSize,
      totalChunks,
      md5: b.md5.toLowerCase(),
      chunks: new Map(),
    });
    return { upload_id };
  }

  chunk(raw: unknown): Refusal | undefined {
    const b = raw as Body;
    const u = this.open.get(String(b?.upload_id ?? ''));
    if (!u) return bad('upload_id unknown');
    const index = Number(b?.chunk_index);
    if (!Number.isInteger(index) || index < 0 || index >= u.totalChunks)
      return bad('chunk_index out of range');
    if (typeof b?.base64_data !== 'string') return bad('base64_data missing');
    const bytes = Buffer.from(b.base64_data, 'base64');
    if (bytes.length === 0 || bytes.length > CHUNK_MAX_BYTES)
      return bad(`chunk must be 1..${CHUNK_MAX_BYTES} bytes`);
    u.chunks.set(index, bytes);
    return undefined;
  }

  finish(raw: unknown, now: number): Refusal | { type: string; media_id: string; created_at: number } {
    const id = String((raw as Body)?.upload_id ?? '');
    const u = this.open.get(id);
    if (!u) return bad('upload_id unknown');
    if (u.chunks.size !== u.totalChunks) return bad(`${u.totalChunks - u.chunks.size} chunks missing`);
    const bytes = Buffer.concat([...u.chunks.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c));
    if (bytes.length !== u.totalSize) return bad('total_size does not match the chunks');
    if (createHash('md5').update(bytes).digest('hex') !== u.md5) return bad('md5 does not match the chunks');
    this.open.delete(id);
    const media_id = `media_${randomUUID()}`;
    const created_at = Math.floor(now / 1000);
    this.media.set(media_id, { type: u.type, filename: u.filename, bytes, createdAt: created_at });
    return { type: u.type, media_id, created_at };
  }
}
