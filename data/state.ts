import { z } from 'zod';

/**
 * Small, often-written state, kept apart from the bulk round data so that a `/done` or a sent
 * mark never rewrites the rounds. Sections gain fields with defaults; a breaking change bumps
 * STATE_VERSION and adds a migration (data/doc.ts).
 */
export const STATE_VERSION = 1;

export const stateFileSchema = z.object({
  version: z.literal(STATE_VERSION),
  lastImport: z
    .object({ roundKey: z.string(), at: z.string(), source: z.string(), changed: z.boolean() })
    .optional(),
});
export type StateFile = z.infer<typeof stateFileSchema>;

/** Inbound message ids already handled, per platform (redelivery dedupe), with when seen. */
export const INBOX_VERSION = 1;
export const inboxFileSchema = z.object({
  version: z.literal(INBOX_VERSION),
  seen: z.record(z.string(), z.string()).default({}),
});
export type InboxFile = z.infer<typeof inboxFileSchema>;
