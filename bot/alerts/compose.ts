import { createHash } from 'node:crypto';
import type { Dataset, RoundView } from '../../data/dataset.ts';
import type { Failure } from '../../data/schema.ts';
import { periodLabel } from '../../handlers/format.ts';
import type { Contact } from '../../handlers/reply.ts';
import { alertText as a } from '../../handlers/text.ts';
import type { Group } from '../groups.ts';
import { type DigestItem, digest, type Fits } from '../outbox/digest.ts';
import type { OutgoingMessage } from '../outbox/queue.ts';
import { type ScopeScan, scanRound, subjectKey } from './scan.ts';
import type { Scope } from './subscriptions.ts';

export interface ComposeInput {
  data: Dataset;
  view: RoundView;
  group: Group;
  scope: Scope;
  /** Whether the pusher of the group's platform sends a reply whole (digest.fitsPusher). */
  fits: Fits;
  /** Whether an item or message key was queued before (Outbox.knows). */
  known: (key: string) => boolean;
}

/** Idempotency key of one alerted failure: (round, item, group). */
export const failureKey = (round: string, f: Failure, groupId: string) => `alert|${round}|${f.id}|${groupId}`;
const recoveryKey = (round: string, f: Failure, groupId: string) =>
  `recovered|${round}|${subjectKey(f)}|${groupId}`;
const allClearKey = (round: string, groupId: string) => `allclear|${round}|${groupId}`;

/**
 * The messages a round owes one group: its failures not alerted before (repeats and recoveries
 * called out), merged into as few messages as fit, or a short all-clear if the group wants one.
 * Pure; an empty list when there is nothing new to say.
 */
export function composeAlerts(input: ComposeInput): OutgoingMessage[] {
  const { data, view, group, known } = input;
  const round = view.round.key;
  const scan = scanRound(data, view, input.scope);
  const fresh = scan.failures.filter((x) => !known(failureKey(round, x.failure, group.id)));
  const recovered = scan.recovered.filter((f) => !known(recoveryKey(round, f, group.id)));
  if (fresh.length === 0 && recovered.length === 0) return allClear(input, scan);

  const items: DigestItem[] = fresh.map(({ failure, streak }, i) => ({
    lines: [failureLine(i + 1, failure, streak)],
    mentions: contactsFor(data, failure, group.platform),
    keys: [failureKey(round, failure, group.id)],
  }));
  for (const [i, f] of recovered.entries()) {
    const line = a.recoveredLine(f.channel === 'website' ? a.website : (f.platform ?? a.newmedia), f.subject);
    items.push({
      lines: i === 0 ? ['', a.recoveredHeading, line] : [line],
      mentions: [],
      keys: [recoveryKey(round, f, group.id)],
    });
  }
  const r = view.round;
  const deadline = r.deadline
    ? `${r.deadline.date}${r.deadline.time ? ` ${r.deadline.time}` : ''}`
    : undefined;
  const parts = digest(
    {
      title: a.title(periodLabel(r.period), fresh.length),
      head: [a.source(r.issuer, deadline)],
      items,
    },
    input.fits,
    a.part,
  );
  const id = createHash('sha256')
    .update(items.flatMap((x) => x.keys ?? []).join('\n'))
    .digest('hex')
    .slice(0, 12);
  return parts.map((p, k) => ({
    key: `alert|${round}|${group.id}|${id}|${k + 1}/${parts.length}`,
    groupId: group.id,
    kind: 'alert' as const,
    reply: p.reply,
    items: p.keys,
  }));
}

function allClear(input: ComposeInput, scan: ScopeScan): OutgoingMessage[] {
  const { view, group } = input;
  const key = allClearKey(view.round.key, group.id);
  if (!group.allClear || !scan.relevant || scan.failures.length > 0 || input.known(key)) return [];
  return [
    {
      key,
      groupId: group.id,
      kind: 'alert',
      reply: {
        title: a.allClearTitle(periodLabel(view.round.period)),
        lines: [a.allClearLine(view.round.issuer)],
        mentions: [],
      },
    },
  ];
}

function failureLine(n: number, f: Failure, streak: number): string {
  const veto = f.veto ? a.veto : '';
  const repeat = streak >= 2 ? a.streak(streak) : '';
  const what = f.channel === 'website' ? a.website : (f.platform ?? a.newmedia);
  return a.item(
    n,
    what,
    f.subject,
    f.problem.replace(/[（(]\s*单项否决\s*[)）]/g, ''),
    veto,
    f.unitName,
    repeat,
  );
}

/** The responsible unit's contacts that can be @-mentioned on the group's platform. */
function contactsFor(data: Dataset, f: Failure, platform: Group['platform']): Contact[] {
  const unit =
    (f.unitId ? data.register.units.find((u) => u.id === f.unitId) : undefined) ??
    (f.unitName ? data.unit(f.unitName) : undefined);
  return reachableContacts(unit?.contacts ?? [], platform);
}

/** The contacts an @ reaches on a platform: by mobile, or by the platform's own user id. */
export function reachableContacts(contacts: readonly Contact[], platform: Group['platform']): Contact[] {
  return contacts.filter((c) => Boolean(c.mobile || (platform === 'wecom' ? c.wecomUserId : c.dingtalkUserId)));
}
