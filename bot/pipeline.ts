import type { HandlerContext, Sender, Services } from '../handlers/context.ts';
import { dispatch } from '../handlers/index.ts';
import { parseCommand } from '../handlers/parse.ts';
import type { Reply } from '../handlers/reply.ts';
import { failureReply } from '../handlers/text.ts';
import type { InspectionStore } from '../data/store.ts';
import type { Logger } from './logger.ts';

/** A chat message after a platform verified and decoded it. */
export interface Inbound {
  platform: Sender['platform'];
  /** The platform's message id, the redelivery dedupe key. */
  msgId: string;
  /** Text with the leading @bot removed. */
  text: string;
  sender: Sender;
  conversationId?: string;
  /** The declared group (bot/groups.ts) the conversation belongs to, if any. */
  groupId?: string;
}

export interface PipelineDeps {
  store: InspectionStore;
  log: Logger;
  /** Clock; tests and `--now` pass a fixed one. */
  now: () => Date;
  /** Stateful services for handlers (subscriptions, outbox, tasks); empty for a bare `ask`. */
  services?: Services;
}

/**
 * The one path every chat message takes after verification: dedupe → parse → dispatch.
 * Returns null for a redelivered message (already answered). A handler failure becomes a
 * friendly reply, never an HTTP error, because the platform would retry.
 */
export async function receive(deps: PipelineDeps, msg: Inbound): Promise<Reply | null> {
  const fresh = await deps.store.markSeen(`${msg.platform}:${msg.msgId}`, deps.now());
  if (!fresh) {
    deps.log.info({ platform: msg.platform, msgId: msg.msgId }, 'duplicate delivery ignored');
    return null;
  }
  return answer(deps, msg.text, msg.sender, msg.groupId);
}

/** parse → handler → reply, shared by `npm run ask` and every platform. */
export async function answer(deps: PipelineDeps, text: string, sender: Sender, groupId?: string): Promise<Reply> {
  const ctx: HandlerContext = {
    data: deps.store.dataset(),
    store: deps.store,
    now: deps.now(),
    sender,
    services: deps.services ?? {},
  };
  if (groupId) ctx.groupId = groupId;
  try {
    return await dispatch(parseCommand(text), ctx);
  } catch (err) {
    deps.log.error({ err, text }, 'handler failed');
    return failureReply();
  }
}
