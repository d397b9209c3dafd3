import { findCommand } from '../handlers/index.ts';
import { parseCommand } from '../handlers/parse.ts';
import { type Reply, reply } from '../handlers/reply.ts';
import * as metrics from './metrics.ts';
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
  /** Answers in progress at once; past it, new messages wait for a slot (MAX_IN_FLIGHT). */
  maxInFlight?: number;
}

/**
 * Answers in progress at once. A transport that acknowledges before answering (DingTalk HTTP,
 * the long connections) would otherwise take messages faster than they can be answered under a
 * burst, piling up answers (and outbound connections) without bound; at the limit it waits for
 * a slot before acknowledging, so the platform slows down instead.
 */
export const MAX_IN_FLIGHT = 64;

export interface Responder {
  /** Answers one message; resolves with what became of the answer. Tracked for idle(). */
  respond(msg: Inbound, channel: ReplyChannel): Promise<Outcome>;
  /**
   * respond() in the background; resolves once the message is admitted (a slot is free), so
   * the transport acknowledges it then. Failures are logged.
   */
  accept(msg: Inbound, channel: ReplyChannel): Promise<void>;
  /** Resolves when every answer in progress has been delivered, queued or given up. */
  idle(): Promise<void>;
}

export function createResponder(deps: ResponderDeps): Responder {
  const pending = new Set<Promise<unknown>>();
  const limit = deps.maxInFlight ?? MAX_IN_FLIGHT;
  const waiting: Array<() => void> = [];
  async function admit(): Promise<void> {
    while (pending.size >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
  }
  const answer = deps.answer ?? ((p: PipelineDeps, m: Inbound) => answerInbound(p, m));

  async function run(msg: Inbound, channel: ReplyChannel): Promise<Outcome> {
    const started = performance.now();
    const outcome = await answerOnce(msg, channel);
    // One line per message answered: platform, command name (never the message's text), group, outcome, time.
    const command = commandOf(msg);
    const seconds = (performance.now() - started) / 1000;
    metrics.messagesAnswered.inc({ platform: msg.platform, outcome });
    if (outcome !== 'duplicate') metrics.commandSeconds.observe({ command }, seconds);
    deps.log.info(
      {
        platform: msg.platform,
        msgId: msg.msgId,
        command,
        group: msg.groupId ?? null,
        outcome,
        ms: Math.round(seconds * 1000),
      },
      'command answered',
    );
    return outcome;
  }

  async function answerOnce(msg: Inbound, channel: ReplyChannel): Promise<Outcome> {
    const p = deps.pipeline;
    metrics.messagesReceived.inc({ platform: msg.platform });
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

  /** Runs one answer, tracked for idle() and the in-flight limit. */
  function start(msg: Inbound, channel: ReplyChannel): Promise<Outcome> {
    const work = run(msg, channel);
    const tracked = work
      .catch(() => undefined)
      .finally(() => {
        pending.delete(tracked);
        waiting.shift()?.();
      });
    pending.add(tracked);
    return work;
  }

  // With a slot free, both start at once (no promise hop), so idle() right after sees the work.
  function respond(msg: Inbound, channel: ReplyChannel): Promise<Outcome> {
    if (pending.size < limit) return start(msg, channel);
    return admit().then(() => start(msg, channel));
  }

  function accept(msg: Inbound, channel: ReplyChannel): Promise<void> {
    const begin = () => {
      start(msg, channel).catch((err: unknown) =>
        deps.log.error(
          { err, platform: msg.platform, msgId: msg.msgId },
          `${msg.platform}: message not answered`,
        ),
      );
    };
    if (pending.size < limit) {
      begin();
      return Promise.resolve();
    }
    return admit().then(begin);
  }

  async function idle(): Promise<void> {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  }

  return { respond, accept, idle };
}

/** The command a message runs, by its table name (rate, done …), for logs and metrics only. */
export function commandOf(msg: Inbound): string {
  if (msg.unsupported !== undefined) return `(${msg.unsupported.slice(0, 20).replace(/[^\w-]/g, '')})`;
  const word = parseCommand(msg.text).word;
  const named = findCommand(word)?.name;
  if (msg.file && (named === undefined || named === 'import')) return 'import-file';
  if (word === '') return 'help';
  return findCommand(word)?.name ?? 'other';
}

/** Message types with nothing the bot can read in them (pictures, voice, video). */
const MEDIA = new Set(['picture', 'image', 'richText', 'audio', 'voice', 'video']);

/** A message the bot cannot read (a picture, a voice) gets a hint; text and files go to the handlers. */
export function answerInbound(deps: PipelineDeps, msg: Inbound): Promise<Reply> {
  if (msg.unsupported !== undefined) {
    if (MEDIA.has(msg.unsupported)) return Promise.resolve(reply(t.mediaNotRead));
    if (msg.unsupported === 'unknownMsgType') return Promise.resolve(reply(t.quotedUnknown));
    return Promise.resolve(reply(t.textOnly, [t.seeHelp]));
  }
  return pipelineAnswer(deps, msg.text, msg.sender, msg.groupId, msg.conversationId, msg.file);
}
