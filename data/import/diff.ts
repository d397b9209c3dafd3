import type { Dataset } from '../dataset.ts';
import type { Channel, Failure, Region, RoundFile, Tally } from '../schema.ts';
import { replaceText } from './text/replace.ts';

/** One region's row in one channel, before and after. */
export interface TallyChange {
  regionId: string;
  channel: Channel;
  before?: Tally;
  after?: Tally;
}

/** What replacing a stored round would change (README “Replacing a round”). */
export interface RoundDiff {
  key: string;
  droppedFailures: Failure[];
  addedFailures: Failure[];
  /** Region rows the new round no longer has (their tallies and failures go). */
  droppedTallies: TallyChange[];
  addedTallies: TallyChange[];
  /** Region rows in both whose total, checked or failed changed. */
  changedTallies: TallyChange[];
}

/** Failures are the same item by id (channel, region, name, platform); tallies by region and channel. */
export function diffRounds(before: RoundFile, after: RoundFile): RoundDiff {
  const afterIds = new Set(after.failures.map((f) => f.id));
  const beforeIds = new Set(before.failures.map((f) => f.id));
  const key = (t: Tally) => `${t.regionId}\u0000${t.channel}`;
  const beforeTallies = new Map(before.tallies.map((t) => [key(t), t]));
  const afterTallies = new Map(after.tallies.map((t) => [key(t), t]));
  const diff: RoundDiff = {
    key: after.round.key,
    droppedFailures: before.failures.filter((f) => !afterIds.has(f.id)),
    addedFailures: after.failures.filter((f) => !beforeIds.has(f.id)),
    droppedTallies: [],
    addedTallies: [],
    changedTallies: [],
  };
  for (const [k, t] of beforeTallies) {
    const now = afterTallies.get(k);
    if (!now) diff.droppedTallies.push({ regionId: t.regionId, channel: t.channel, before: t });
    else if (now.total !== t.total || now.checked !== t.checked || now.failed !== t.failed)
      diff.changedTallies.push({ regionId: t.regionId, channel: t.channel, before: t, after: now });
  }
  for (const [k, t] of afterTallies)
    if (!beforeTallies.has(k)) diff.addedTallies.push({ regionId: t.regionId, channel: t.channel, after: t });
  return diff;
}

/** A replacement that loses something people act on: failures (and their tasks) or whole regions. */
export function dropsData(diff: RoundDiff): boolean {
  return diff.droppedFailures.length > 0 || diff.droppedTallies.length > 0;
}

/** How many lines of each kind a preview lists before it counts the rest. */
const PREVIEW_LIMIT = 20;

/**
 * How a door asks for the explicit replacement, in its own words: the CLI's `--replace`
 * (replaceText.willRefuse), the chat's `/apply replace` (handlers/text.ts). The preview is built
 * once for every door; only this line differs.
 */
export interface ReplaceWording {
  /** The last line of a preview whose replacement drops failures or regions. */
  willRefuse: string;
}

/** The CLI's wording (npm run import … --apply --replace). */
export const cliReplaceWording: ReplaceWording = { willRefuse: replaceText.willRefuse };

/**
 * The difference as preview lines: what is dropped first (that is what the explicit replace is
 * about), then what is added, then changed tallies. `name` turns a region id into the name people
 * know; `wording` is the door's.
 */
export function diffLines(diff: RoundDiff, name: (regionId: string) => string, wording: ReplaceWording): string[] {
  const item = (f: Failure) =>
    `${name(f.regionId)} ${f.platform ? `【${f.platform}】` : ''}${f.subject}（${f.problem}）`;
  const counts = (t: Tally | undefined) => (t ? replaceText.counts(t.total, t.checked, t.failed) : '');
  const all = [
    ...diff.droppedFailures.map((f) => replaceText.droppedFailure(item(f))),
    ...diff.droppedTallies.map((t) => replaceText.droppedRegion(name(t.regionId), t.channel)),
    ...diff.addedFailures.map((f) => replaceText.addedFailure(item(f))),
    ...diff.addedTallies.map((t) => replaceText.addedRegion(name(t.regionId), t.channel)),
    ...diff.changedTallies.map((t) =>
      replaceText.changedTally(name(t.regionId), t.channel, counts(t.before), counts(t.after)),
    ),
  ];
  const lines = [replaceText.heading(diff.key), ...all.slice(0, PREVIEW_LIMIT)];
  if (all.length === 0) lines.push(replaceText.noChange);
  if (all.length > PREVIEW_LIMIT) lines.push(replaceText.more(all.length - PREVIEW_LIMIT));
  if (dropsData(diff)) lines.push(wording.willRefuse);
  return lines;
}

/** The difference as plain JSON (the API's answer): items by region, subject and platform. */
export function diffJson(diff: RoundDiff) {
  const item = (f: Failure) => ({
    id: f.id,
    regionId: f.regionId,
    channel: f.channel,
    subject: f.subject,
    ...(f.platform ? { platform: f.platform } : {}),
    problem: f.problem,
  });
  const row = (t: TallyChange) => ({
    regionId: t.regionId,
    channel: t.channel,
    ...(t.before ? { before: counts(t.before) } : {}),
    ...(t.after ? { after: counts(t.after) } : {}),
  });
  const counts = (t: Tally) => ({ total: t.total, checked: t.checked, failed: t.failed });
  return {
    round: diff.key,
    droppedFailures: diff.droppedFailures.map(item),
    addedFailures: diff.addedFailures.map(item),
    droppedTallies: diff.droppedTallies.map(row),
    addedTallies: diff.addedTallies.map(row),
    changedTallies: diff.changedTallies.map(row),
  };
}

/**
 * What an import would replace, as preview lines: nothing when the period and scope are new; the
 * difference against the stored round otherwise (README “Replacing a round”).
 */
export function replacementPreview(
  incoming: RoundFile,
  data: Dataset,
  learned: readonly Region[],
  wording: ReplaceWording,
): string[] {
  const stored = data.rounds.find((v) => v.round.key === incoming.round.key);
  if (!stored) return [];
  const name = (id: string) => data.regions.get(id)?.name ?? learned.find((r) => r.id === id)?.name ?? id;
  return diffLines(diffRounds(stored.file, incoming), name, wording);
}
