import type { AxiosInstance } from 'axios';
import { reply } from '../../../handlers/reply.ts';
import { dingtalkText, t } from '../../../handlers/text.ts';
import type { Groups } from '../../groups.ts';
import type { Logger } from '../../logger.ts';
import { type PipelineDeps, receive as pipelineReceive } from '../../pipeline.ts';
import { failedPost, type LateReason, queueLateReply, type ReplyQueue } from '../late-reply.ts';
import type { DingtalkMessage } from './decode.ts';
import type { ChartImages } from '../../charts/images.ts';
import { toChartAnswer } from './image.ts';
import { postSession } from './send.ts';

/**
 * What HTTP mode and Stream mode share after decoding: dedupe → pipeline → answer through the
 * session webhook (protocols.md §5.3). Runs in the background so the callback is acknowledged
 * at once; idle() resolves when every answer has been sent or given up.
 */
export interface AnswererOptions {
  pipeline: PipelineDeps;
  http: AxiosInstance;
  oapiBase: string;
  log: Logger;
  /** Declared groups: where an answer goes when the session webhook cannot carry it. */
  groups: Groups;
  /** The outbox, for those answers; without it they are dropped and logged. */
  replies?: ReplyQueue | undefined;
  /** Wall clock (ms) for the session webhook's expiry and the outbox. */
  clock?: () => number;
  /** The pipeline entry; tests inject a failing or slow one. */
  receive?: typeof pipelineReceive;
  /** Chart links for /chart answers (bot/charts/); without them the text version is sent. */
  charts?: ChartImages | undefined;
}

export interface Answerer {
  accept(msg: DingtalkMessage): void;
  idle(): Promise<void>;
}

export function createAnswerer(o: AnswererOptions): Answerer {
  const clock = o.clock ?? Date.now;
  const receive = o.receive ?? pipelineReceive;
  const pending = new Set<Promise<void>>();
  /**
   * msgIds being answered. DingTalk redelivers (§5.2, §6.1) and markSeen only sees a msgId
   * once its write lands, so two concurrent copies would both look fresh without this.
   */
  const inflight = new Set<string>();

  async function answer(msg: DingtalkMessage): Promise<void> {
    const { msgId, conversationId, groupId } = msg.inbound;
    const deps = o.pipeline;
    // How an operator finds the conversationId to declare in groups.json (README "DingTalk setup").
    if (!groupId) o.log.info({ msgId, conversationId }, 'dingtalk: message from an undeclared conversation');
    const r = msg.unsupported
      ? (await deps.store.markSeen(`dingtalk:${msgId}`, deps.now()))
        ? reply(dingtalkText.textOnly, [t.seeHelp])
        : null
      : await receive(deps, msg.inbound);
    if (!r) return;
    const fallback = (reason: LateReason) =>
      queueLateReply(o, 'dingtalk', msg.inbound, r, reason, new Date(clock()));
    if (!msg.session) {
      await fallback({ why: 'no sessionWebhook' });
      return;
    }
    if (clock() > msg.session.expiresAt) {
      await fallback({ why: 'sessionWebhook expired before the answer was ready' });
      return;
    }
    try {
      await postSession(o.http, o.oapiBase, msg.session.url, toChartAnswer(r, msg.inbound.sender, o.charts, new Date(clock())));
    } catch (err) {
      // Expired by DingTalk's clock, refused, or a network failure: the group robot is left.
      await fallback(failedPost('sessionWebhook', err));
    }
  }

  function accept(msg: DingtalkMessage): void {
    const { msgId } = msg.inbound;
    if (inflight.has(msgId)) {
      o.log.info({ msgId }, 'dingtalk: duplicate delivery while answering; ignored');
      return;
    }
    inflight.add(msgId);
    const work = answer(msg)
      .catch((err: unknown) => o.log.error({ err, msgId }, 'dingtalk: message not answered'))
      .finally(() => {
        inflight.delete(msgId);
        pending.delete(work);
      });
    pending.add(work);
  }

  async function idle(): Promise<void> {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  }

  return { accept, idle };
}
