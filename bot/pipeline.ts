import type { HandlerContext, Sender, Services } from '../handlers/context.ts';
import type { ChatFileRef } from '../handlers/services.ts';
import { dispatch } from '../handlers/index.ts';
import { parseCommand } from '../handlers/parse.ts';
import type { Reply } from '../handlers/reply.ts';
import { failureReply } from '../handlers/text.ts';
import type { InspectionStore } from '../data/store.ts';
import type { Logger } from './logger.ts';

/** A chat message after a platform verified and decoded it. */
export interface Inbound {
  platform: 'dingtalk' | 'wecom';
  /** The platform's message id, the redelivery dedupe key. */
  msgId: string;
  /** Text with the leading @bot removed. */
  text: string;
  sender: Sender;
  conversationId?: string;
  /** The declared group (bot/groups.ts) the conversation belongs to, if any. */
  groupId?: string;
  /** msgtype of a message the bot cannot read (a picture, a voice); `text` is '' then. */
  unsupported?: string;
  /** A file the message carries (sent to the bot, or quoted with an @): an import to preview. */
  file?: ChatFileRef;
}

export interface PipelineDeps {
  store: InspectionStore;
  log: Logger;
  /** Clock; tests and `--now` pass a fixed one. */
  now: () => Date;
  /** Stateful services for handlers (subscriptions, outbox, tasks); empty for a bare `ask`. */
  services?: Services;
}

/** parse → handler → reply, shared by `npm run ask` and every platform (bot/respond.ts). */
export async function answer(
  deps: PipelineDeps,
  text: string,
  sender: Sender,
  groupId?: string,
  conversationId?: string,
  file?: ChatFileRef,
): Promise<Reply> {
  const ctx: HandlerContext = {
    data: deps.store.dataset(),
    store: deps.store,
    now: deps.now(),
    sender,
    services: deps.services ?? {},
    text,
  };
  if (groupId) ctx.groupId = groupId;
  if (conversationId) ctx.conversationId = conversationId;
  if (file) ctx.file = file;
  try {
    return await dispatch(parseCommand(text), ctx);
  } catch (err) {
    deps.log.error({ err, text }, 'handler failed');
    return failureReply();
  }
}
