import type { Contact, Reply } from '../../handlers/reply.ts';
import { resentNote } from '../../handlers/text.ts';
import type { Group, Groups } from '../groups.ts';
import type { Logger } from '../logger.ts';
import { mayHaveArrived } from '../outbox/drain.ts';
import type { Inbound } from '../pipeline.ts';

/**
 * The outbox as the platforms see it (bot/outbox/queue.ts `Outbox.enqueue`): command replies
 * only. True when the reply was queued now, false when its key was queued before.
 */
export interface ReplyQueue {
  enqueue(msg: { key: string; groupId: string; kind: 'reply'; reply: Reply }, now: Date): Promise<boolean>;
}

export interface LateReplyDeps {
  /** Absent when the bot runs without an outbox (some tests): the answer is then dropped. */
  replies?: ReplyQueue | undefined;
  groups: Groups;
  log: Logger;
}

/** Why the answer could not go back through the message's own channel. */
export interface LateReason {
  /** For the log, e.g. `response_url expired` or the failed POST's error. */
  why: string;
  /** The failed POST may have reached the chat anyway (a timeout, a cut connection). */
  uncertain?: boolean;
}

export type LateOutcome = 'queued' | 'queued before' | 'dropped';

/** Outbox key of a command answer: one per platform message, so a redelivery never doubles it. */
export function replyKey(platform: Group['platform'], msgId: string): string {
  return `reply|${platform}|${msgId}`;
}

/**
 * A command answer that cannot go back synchronously nor through the message's reply channel
 * (WeCom response_url, DingTalk sessionWebhook: missing, expired or refused) goes to the group
 * robot of the declared group the conversation belongs to, through the outbox, @-mentioning the
 * asker (a robot push does not quote the question). A conversation that is not a declared group
 * with a robot has nowhere to push: the answer is dropped with one warning naming the
 * conversation id, which is what an operator adds to groups.json.
 */
export async function queueLateReply(
  deps: LateReplyDeps,
  platform: Group['platform'],
  inbound: Inbound,
  answer: Reply,
  reason: LateReason,
  now: Date,
): Promise<LateOutcome> {
  const { msgId, conversationId } = inbound;
  const group = conversationId ? deps.groups.byConversation(platform, conversationId) : undefined;
  const where = { platform, msgId, conversationId, why: reason.why };
  if (!group) {
    deps.log.warn(
      where,
      `${platform}: answer dropped: the conversation is not a declared group, so no robot can push it (declare its id in groups.json)`,
    );
    return 'dropped';
  }
  if (!group.robot) {
    deps.log.warn(
      { ...where, groupId: group.id },
      `${platform}: answer dropped: the group has no robot to push it`,
    );
    return 'dropped';
  }
  if (!deps.replies) {
    deps.log.warn({ ...where, groupId: group.id }, `${platform}: answer dropped: no outbox to push it`);
    return 'dropped';
  }
  const fresh = await deps.replies.enqueue(
    {
      key: replyKey(platform, msgId),
      groupId: group.id,
      kind: 'reply',
      reply: forRobot(answer, inbound, reason),
    },
    now,
  );
  deps.log.info({ ...where, groupId: group.id, fresh }, `${platform}: answer queued for the group robot`);
  // A /chart answer's picture follows as its own message (a robot message is text or an image).
  if (answer.chart) await deps.replies.enqueue(chartMessage(platform, msgId, group.id, answer), now);
  return fresh ? 'queued' : 'queued before';
}

/**
 * Only the picture of an answer whose text went back through the reply channel (WeCom's
 * response_url carries markdown only, §3.1), for the group robot; dropped with a warning when
 * the conversation has no robot.
 */
export async function queueLateChart(
  deps: LateReplyDeps,
  platform: Group['platform'],
  inbound: Inbound,
  answer: Reply,
  now: Date,
): Promise<LateOutcome> {
  const { msgId, conversationId } = inbound;
  const group = conversationId ? deps.groups.byConversation(platform, conversationId) : undefined;
  if (!answer.chart) return 'dropped';
  if (!group?.robot || !deps.replies) {
    deps.log.warn({ platform, msgId, conversationId }, `${platform}: chart not sent: the conversation has no group robot`);
    return 'dropped';
  }
  const fresh = await deps.replies.enqueue(chartMessage(platform, msgId, group.id, answer), now);
  return fresh ? 'queued' : 'queued before';
}

function chartMessage(platform: Group['platform'], msgId: string, groupId: string, answer: Reply) {
  return {
    key: `${replyKey(platform, msgId)}|chart`,
    groupId,
    kind: 'reply' as const,
    reply: { title: answer.title, lines: [], mentions: [], ...(answer.chart ? { chart: answer.chart } : {}) },
  };
}

/** The asker @-mentioned in the platform's form; the re-send note when the first try may have arrived. */
function forRobot(answer: Reply, inbound: Inbound, reason: LateReason): Reply {
  const asker: Contact | undefined =
    inbound.platform === 'wecom' && inbound.sender.wecomUserId
      ? { wecomUserId: inbound.sender.wecomUserId }
      : inbound.platform === 'dingtalk' && inbound.sender.dingtalkUserId
        ? { dingtalkUserId: inbound.sender.dingtalkUserId }
        : undefined;
  const known =
    asker !== undefined &&
    answer.mentions.some(
      (c) =>
        (asker.wecomUserId !== undefined && c.wecomUserId === asker.wecomUserId) ||
        (asker.dingtalkUserId !== undefined && c.dingtalkUserId === asker.dingtalkUserId),
    );
  return {
    title: answer.title,
    lines: reason.uncertain ? [...answer.lines, resentNote] : answer.lines,
    mentions: asker && !known ? [...answer.mentions, asker] : answer.mentions,
  };
}

/** A failed POST to a reply channel as a LateReason. */
export function failedPost(channel: string, err: unknown): LateReason {
  const message = err instanceof Error ? err.message : String(err);
  return { why: `${channel} failed: ${message}`, uncertain: mayHaveArrived(message) };
}
