import { type Reply, reply } from '../handlers/reply.ts';
import { t } from '../handlers/text.ts';
import { answer as pipelineAnswer, type Inbound, type PipelineDeps } from './pipeline.ts';
import {
  failedPost,
  type LateOutcome,
  type LateReason,
  type LateReplyDeps,
  queueLateChart,
  queueLateReply,
} from './platforms/late-reply.ts';

/**
 * The one answering path of every transport (DingTalk HTTP and Stream, WeCom callback and long
 * connection): a platform verifies and decodes, then hands the Inbound and the message's own way
 * back (a ReplyChannel) to respond(), which does dedupe → dispatch → reply → late-reply outbox.
 */

/**
 * The way back a message came with: DingTalk's session webhook, WeCom's passive reply or
 * response_url, a long-connection reply frame. `send` resolves once the answer is delivered;
 * it throws ChannelClosed when the channel is known to be unusable (missing, expired, socket
 * gone), anything else when a delivery attempt failed (then it may have arrived after all).
 */
export interface ReplyChannel {
  /** For logs: `sessionWebhook`, `response_url`, `aibot_respond_msg`. */
  readonly name: string;
  /**
   * Resolves CHART_NOT_CARRIED when the answer had a chart and the channel delivered its text
   * only (WeCom response_url and long connection): the picture then goes through the group robot
   * (late-reply.ts queueLateChart). Any other value means delivered as it was.
   */
  send(answer: Reply): Promise<unknown>;
}

/** What a ReplyChannel resolves when it carried an answer's text but not its chart. */
export const CHART_NOT_CARRIED = 'chart not carried';

/** The channel cannot carry an answer at all; the message says why (for the log). */
export class ChannelClosed extends Error {}

export type Outcome = 'answered' | 'duplicate' | LateOutcome;

export interface ResponderDeps extends LateReplyDeps {
  pipeline: PipelineDeps;
  /** parse → dispatch; tests put a slow or failing one here. */
  answer?: (deps: PipelineDeps, msg: Inbound) => Promise<Reply>;
}

export interface Responder {
  /** Answers one message; resolves with what became of the answer. Tracked for idle(). */
  respond(msg: Inbound, channel: ReplyChannel): Promise<Outcome>;
  /** respond() in the background (the transport acknowledged the message already); failures are logged. */
  accept(msg: Inbound, channel: ReplyChannel): void;
  /** Resolves when every answer in progress has been delivered, queued or given up. */
  idle(): Promise<void>;
}

export function createResponder(deps: ResponderDeps): Responder {
  const pending = new Set<Promise<unknown>>();
  const answer = deps.answer ?? ((p: PipelineDeps, m: Inbound) => answerInbound(p, m));

  async function run(msg: Inbound, channel: ReplyChannel): Promise<Outcome> {
    const p = deps.pipeline;
    // The store's check-and-set is synchronous, so concurrent redeliveries cannot both pass.
    if (!(await p.store.markSeen(`${msg.platform}:${msg.msgId}`, p.now()))) {
      deps.log.info({ platform: msg.platform, msgId: msg.msgId }, 'duplicate delivery ignored');
      return 'duplicate';
    }
    // How an operator finds the conversation id to declare in groups.json (README "Groups").
    if (msg.conversationId && !msg.groupId)
      deps.log.info(
        { platform: msg.platform, msgId: msg.msgId, conversationId: msg.conversationId },
        `${msg.platform}: message from an undeclared conversation`,
      );
    const r = await answer(p, msg);
    const late = (reason: LateReason) => queueLateReply(deps, msg.platform, msg, r, reason, p.now());
    try {
      const sent = await channel.send(r);
      if (r.chart && sent === CHART_NOT_CARRIED) await queueLateChart(deps, msg.platform, msg, r, p.now());
      return 'answered';
    } catch (err) {
      if (err instanceof ChannelClosed) return late({ why: err.message });
      return late(failedPost(channel.name, err));
    }
  }

  function respond(msg: Inbound, channel: ReplyChannel): Promise<Outcome> {
    const work = run(msg, channel);
    const tracked = work.catch(() => undefined).finally(() => pending.delete(tracked));
    pending.add(tracked);
    return work;
  }

  function accept(msg: Inbound, channel: ReplyChannel): void {
    respond(msg, channel).catch((err: unknown) =>
      deps.log.error(
        { err, platform: msg.platform, msgId: msg.msgId },
        `${msg.platform}: message not answered`,
      ),
    );
  }

  async function idle(): Promise<void> {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  }

  return { respond, accept, idle };
}

/** A message the bot cannot read (a picture, a file) gets a hint; text goes to the handlers. */
export function answerInbound(deps: PipelineDeps, msg: Inbound): Promise<Reply> {
  if (msg.unsupported !== undefined) return Promise.resolve(reply(t.textOnly, [t.seeHelp]));
  return pipelineAnswer(deps, msg.text, msg.sender, msg.groupId, msg.conversationId);
}
