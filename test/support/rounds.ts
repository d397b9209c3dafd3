import type { ImportWrite } from '../../data/store.ts';
import type { Channel, RoundFile } from '../../data/schema.ts';

/**
 * A synthetic round built from an existing one: the same scope, another period, tallies and
 * failures edited by `edit`. For tests that need a second round (change since last quarter).
 */
export function otherRound(
  base: RoundFile,
  period: string,
  edit: (f: RoundFile) => void = () => {},
): ImportWrite {
  const file = structuredClone(base);
  file.round.period = period;
  file.round.key = `${period}@${base.round.scopeRegionId}`;
  file.round.title = `${base.round.title}（${period}）`;
  file.round.importedAt = '2020-07-14T01:00:00.000Z';
  // Another notice: another text (a copy of the shipped sample's hash would make it sample data).
  file.round.source = { ...file.round.source, sha256: `${period}-${base.round.source.sha256}`.slice(0, 64) };
  edit(file);
  return { newRegions: [], roundFile: file };
}

/** Sets one tally row of a round file (the row must exist). */
export function setTally(
  file: RoundFile,
  regionId: string,
  channel: Channel,
  numbers: { total?: number; checked?: number; failed?: number },
): void {
  const row = file.tallies.find((t) => t.regionId === regionId && t.channel === channel);
  if (!row) throw new Error(`no tally for ${regionId} ${channel}`);
  Object.assign(row, numbers);
}
