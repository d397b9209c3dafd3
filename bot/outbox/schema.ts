import { z } from 'zod';
import { chartRefSchema } from '../../handlers/charts/spec.ts';

/**
 * $DATA_DIR/outbox.json: every outgoing push, written before the first attempt to send it.
 * Kept apart from the bulk round data so that marking a message sent rewrites only this file.
 */
export const OUTBOX_VERSION = 1;

export const statuses = ['pending', 'sending', 'sent', 'dead'] as const;
export type Status = (typeof statuses)[number];

/**
 * The only moves a message may make (style.md habit 8). `sending` is persisted before the HTTP
 * call, so a message found in `sending` after a restart may or may not have arrived.
 */
export const transitions: Record<Status, readonly Status[]> = {
  pending: ['sending', 'dead'],
  sending: ['sent', 'pending', 'dead'],
  sent: [],
  dead: ['pending'],
};

export const kinds = ['alert', 'reminder', 'reply', 'notice'] as const;
export type Kind = (typeof kinds)[number];

const contact = z.object({
  name: z.string().optional(),
  mobile: z.string().optional(),
  wecomUserId: z.string().optional(),
  dingtalkUserId: z.string().optional(),
});

export const replySchema = z.object({
  title: z.string(),
  lines: z.array(z.string()),
  mentions: z.array(contact),
  /** A chart message (/chart, a group's chart under its alerts): drawn when sent. */
  chart: chartRefSchema.optional(),
});

export const entrySchema = z.object({
  /** Order of arrival; each robot sends its messages in this order. */
  seq: z.number().int().nonnegative(),
  /** Idempotency key: a second enqueue with the same key is ignored. */
  key: z.string().min(1),
  groupId: z.string(),
  kind: z.enum(kinds),
  /** Dropped once the message is sent and older than the retention; the key stays. */
  reply: replySchema.optional(),
  /** Finer idempotency keys this message covers, e.g. `alert|round|failure|group`. */
  items: z.array(z.string()).default([]),
  status: z.enum(statuses),
  attempts: z.number().int().nonnegative(),
  createdAt: z.string(),
  /** Not to be sent before this time (ISO). */
  nextAt: z.string(),
  sentAt: z.string().optional(),
  /** Set when a restart found the message in `sending`: it may have arrived already. */
  uncertain: z.boolean().optional(),
  lastError: z.object({ message: z.string(), errcode: z.number().optional(), at: z.string() }).optional(),
  dead: z.object({ reason: z.string(), errcode: z.number().optional(), at: z.string() }).optional(),
});
export type Entry = z.infer<typeof entrySchema>;

export const outboxFileSchema = z.object({
  version: z.literal(OUTBOX_VERSION),
  nextSeq: z.number().int().nonnegative(),
  entries: z.array(entrySchema),
});
export type OutboxFile = z.infer<typeof outboxFileSchema>;

export class TransitionError extends Error {
  constructor(key: string, from: Status, to: Status) {
    super(`outbox: message ${key} cannot move from ${from} to ${to}`);
    this.name = 'TransitionError';
  }
}

/** Moves an entry to `to`, or throws naming both states. */
export function move(entry: Entry, to: Status): void {
  if (!transitions[entry.status].includes(to)) throw new TransitionError(entry.key, entry.status, to);
  entry.status = to;
}
