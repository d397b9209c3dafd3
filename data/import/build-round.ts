import type { Dataset } from '../dataset.ts';
import { channelName } from '../labels.ts';
import type { Failure, Mention, Region, Round, RoundFile, Tally } from '../schema.ts';
import { SCHEMA_VERSION } from '../schema.ts';
import type { ImportWrite } from '../store.ts';
import { failureId } from './failure-id.ts';
import { ImportRegions } from './import-regions.ts';
import { isVeto, problemCode } from './problems.ts';
import type { RoundDraft, TallyRecord } from './records.ts';
import { describeWhere, Problems, type Where } from './refusal.ts';
import { optionalDate, readDeadline, readPeriod } from './round-meta.ts';
import { sheetText as tx } from './text/sheet.ts';

/** What an import would write, and what the preview shows; nothing is written until it is applied. */
export interface RoundPlan {
  write: ImportWrite;
  report: ImportReport;
}

export interface ImportReport {
  round: Round;
  tallies: Tally[];
  failures: Failure[];
  mentions: Mention[];
  newRegions: Region[];
  /** What the importer inferred: merged cells inherited, regions mapped. */
  notes: string[];
  /** Disagreements the office should look at; the import still goes ahead. */
  warnings: string[];
}

/**
 * The one builder: turns a draft from any door into a round plan, or refuses it with every
 * problem at once (ImportRefused). Pure: writes nothing.
 */
export function planRound(draft: RoundDraft, data: Dataset, now: Date): RoundPlan {
  const problems = new Problems();
  const regions = new ImportRegions([...data.register.regions, ...draft.learned]);
  const plan = buildRound(draft, regions, data, now, problems);
  problems.throwIfAny();
  return plan as RoundPlan;
}

/**
 * Like planRound, with the caller's region view and problem list, so a spreadsheet import can
 * report its register's problems and its round's together. Resolves the scope (which must be
 * known or declared in the same import: a typo such as 福建生 is refused with suggestions, never
 * made a new root region), each tally row's region (unknown ones learned under the scope or the
 * row's 上级地区, unless the store already knows that parent's children), each failure's region
 * (which must be known, or tallied in the same import), and the checks only the whole import
 * can make: no region or item listed twice, no more failures listed than the tally counts.
 * Returns undefined when the period or scope is missing (problems then say why).
 */
export function buildRound(
  draft: RoundDraft,
  regions: ImportRegions,
  data: Dataset,
  now: Date,
  problems: Problems,
): RoundPlan | undefined {
  const { meta } = draft;
  const period = meta.period ? readPeriod(meta.period.text) : undefined;
  if (!meta.period) problems.add({ path: 'period' }, tx.missingMeta('期次'));
  else if (!period) problems.add(meta.period.where, tx.badPeriod(meta.period.text));
  const scope = scopeOf(draft, regions, problems);
  // Rows are checked even when the period or scope is refused, so every problem is listed at once.
  // A round stored under an older key of the same period and scope (its scope was a region
  // learned before the gazetteer, moved onto its unit since) is the one this import replaces.
  const stored =
    period && scope ? data.rounds.find((v) => v.round.period === period && v.round.scopeRegionId === scope.id) : undefined;
  const key = stored?.round.key ?? `${period ?? ''}@${scope?.id ?? ''}`;
  const tallies = scope ? readTallies(draft.tallies, scope, regions, data, problems) : [];
  const failures = readFailures(draft, key, scope, regions, data, problems, stored?.file.failures);
  if (!period || !scope) return undefined;
  if (!draft.listedMayExceedTallies) checkListedAgainstTallies(tallies, failures, problems);

  const round: Round = {
    key,
    period,
    scopeRegionId: scope.id,
    title: meta.title ?? tx.defaultTitle(scope.name, period),
    issuer: meta.issuer ?? scope.name,
    source: draft.source,
    importedAt: now.toISOString(),
  };
  if (meta.docNumber) round.docNumber = meta.docNumber;
  const issuedOn = optionalDate(meta.issuedOn, problems);
  if (issuedOn) round.issuedOn = issuedOn;
  const asOf = optionalDate(meta.resultsAsOf, problems);
  if (asOf) round.resultsAsOf = asOf;
  const deadline = meta.deadline ? readDeadline(meta.deadline, problems) : undefined;
  if (deadline) round.deadline = deadline;
  if (meta.reportTo) round.reportTo = meta.reportTo;
  const mentions = draft.mentions.map(({ where: _where, ...m }): Mention => m);
  const roundFile: RoundFile = {
    version: SCHEMA_VERSION,
    round,
    tallies: tallies.map((t) => t.tally),
    failures: failures.map((f) => f.failure),
    mentions,
  };
  const newRegions = [...draft.learned, ...regions.learned];
  return {
    write: { newRegions, roundFile },
    report: {
      round,
      tallies: roundFile.tallies,
      failures: roundFile.failures,
      mentions,
      newRegions,
      notes: draft.notes,
      warnings: draft.warnings,
    },
  };
}

/** The draft's scope: placed by the reader, or named (known, or declared in the same import). */
function scopeOf(draft: RoundDraft, regions: ImportRegions, problems: Problems): Region | undefined {
  if (draft.scopeId) {
    const placed = regions.regions.get(draft.scopeId);
    if (!placed) problems.add({ path: 'scope' }, tx.unknownScope(draft.scopeId, []));
    return placed;
  }
  const named = draft.meta.scope;
  if (!named) {
    problems.add({ path: 'scope' }, tx.missingMeta('通报范围'));
    return undefined;
  }
  const found = regions.find(named.text);
  if (found) return found;
  problems.add(named.where, tx.unknownScope(named.text, regions.regions.suggest(named.text).map((r) => r.name)));
  return undefined;
}

/** A region placed by the reader must exist: known to the store or learned by this import. */
function placed(id: string, where: Where, regions: ImportRegions, problems: Problems): Region | undefined {
  const region = regions.regions.get(id);
  if (!region) problems.add(where, tx.unknownRegion(id, []));
  return region;
}

interface PlacedTally {
  tally: Tally;
  where: Where;
}

/**
 * Tally rows may introduce regions (a province the store has never seen), but not under a parent
 * whose children the store already knows: there an unknown name is a typo (福洲市) until it is
 * declared in a 地区 sheet.
 */
function readTallies(
  rows: readonly TallyRecord[],
  scope: Region,
  regions: ImportRegions,
  data: Dataset,
  problems: Problems,
): PlacedTally[] {
  const out: PlacedTally[] = [];
  const seen = new Map<string, Where>();
  const sums: TallyRecord[] = [];
  const regionOf = new Map<TallyRecord, Region>();
  for (const row of rows) {
    if (row.sum) {
      sums.push(row);
      continue;
    }
    const region = rowRegion(row, scope, regions, data, problems);
    if (!region) continue;
    regionOf.set(row, region);
    const k = `${region.id}|${row.channel}`;
    const first = seen.get(k);
    if (first) {
      problems.add(row.region.where, tx.duplicateRow(describeWhere(first)));
      continue;
    }
    seen.set(k, row.where);
    out.push({ tally: tallyOf(region, row), where: row.where });
  }
  for (const sum of sums) checkSum(sum, rows, regionOf, problems);
  return out;
}

/** The region a tally row is about: placed by id, or named under its parent (learned only where nothing is registered). */
function rowRegion(
  row: TallyRecord,
  scope: Region,
  regions: ImportRegions,
  data: Dataset,
  problems: Problems,
): Region | undefined {
  if (row.regionId !== undefined) return placed(row.regionId, row.where, regions, problems);
  let parentId = scope.id;
  if (row.parent) {
    const parent = regions.require(row.parent, undefined, problems);
    if (!parent) return undefined;
    parentId = parent.id;
  }
  return data.regions.childrenOf(parentId).length > 0
    ? regions.require(row.region, parentId, problems)
    : (regions.find(row.region.text, parentId) ?? regions.learn(row.region.text, parentId));
}

function tallyOf(region: Region, row: TallyRecord): Tally {
  const t: Tally = { regionId: region.id, channel: row.channel };
  if (row.total !== undefined) t.total = row.total;
  if (row.checked !== undefined) t.checked = row.checked;
  if (row.failed !== undefined) t.failed = row.failed;
  if (row.rate) t.rate = row.rate;
  if (row.derived && row.derived.length > 0) t.derived = row.derived;
  if (row.platforms && row.platforms.length > 0) t.platforms = row.platforms;
  return t;
}

/** A 合计 row must equal the rows of its table that share one parent; mixed levels are not summed. */
function checkSum(
  sum: TallyRecord,
  rows: readonly TallyRecord[],
  regionOf: Map<TallyRecord, Region>,
  problems: Problems,
): void {
  const same = rows.filter(
    (r) =>
      !r.sum &&
      r.channel === sum.channel &&
      r.where.file === sum.where.file &&
      r.where.sheet === sum.where.sheet,
  );
  const parents = new Set(same.map((r) => regionOf.get(r)?.parent));
  if (same.length === 0 || parents.size !== 1) return;
  const add = (k: 'total' | 'checked' | 'failed') =>
    same.reduce<number | undefined>((n, r) => (n === undefined || r[k] === undefined ? undefined : n + r[k]), 0);
  for (const k of ['total', 'checked', 'failed'] as const) {
    const stated = sum[k];
    const added = add(k);
    if (stated !== undefined && added !== undefined && added !== stated)
      problems.add(sum.region.where, tx.sumMismatch(tx.countNames[k], stated, added));
  }
}

interface PlacedFailure {
  failure: Failure;
  where: Where;
}

function readFailures(
  draft: RoundDraft,
  roundKey: string,
  scope: Region | undefined,
  regions: ImportRegions,
  data: Dataset,
  problems: Problems,
  storedFailures: readonly Failure[] = [],
): PlacedFailure[] {
  const out: PlacedFailure[] = [];
  const seen = new Map<string, Where>();
  // The same item of the same round keeps its stored id (what /done marks, sent reminders and
  // alerts are attached to), also when its region was moved onto the gazetteer since.
  const sameItem = (channel: string, regionId: string, subject: string, platform?: string) =>
    [channel, regionId, subject, platform ?? ''].join('\u0000');
  const storedIds = new Map(storedFailures.map((f) => [sameItem(f.channel, f.regionId, f.subject, f.platform), f.id]));
  for (const row of draft.failures) {
    const region =
      row.regionId !== undefined
        ? placed(row.regionId, row.where, regions, problems)
        : regions.require(row.region, scope?.id, problems);
    if (!region) continue;
    const id =
      storedIds.get(sameItem(row.channel, region.id, row.subject, row.platform)) ??
      failureId(roundKey, row.channel, region.id, row.subject, row.platform);
    const first = seen.get(id);
    if (first) {
      problems.add(row.where, tx.duplicateRow(describeWhere(first)));
      continue;
    }
    seen.set(id, row.where);
    const code = problemCode(row.channel, row.problem);
    const failure: Failure = {
      id,
      channel: row.channel,
      regionId: region.id,
      regionText: row.region.text,
      subject: row.subject,
      problem: row.problem,
      problemCode: code,
      veto: isVeto(row.problem, code),
    };
    if (row.unit) {
      failure.unitName = row.unit;
      const unit = data.unit(row.unit);
      if (unit) failure.unitId = unit.id;
    }
    if (row.platform) failure.platform = row.platform;
    out.push({ failure, where: row.where });
  }
  return out;
}

/** A region's own tally row cannot count fewer failures than the list names inside it. */
function checkListedAgainstTallies(
  tallies: PlacedTally[],
  failures: PlacedFailure[],
  problems: Problems,
): void {
  const listed = new Map<string, number>();
  for (const { failure } of failures) {
    const k = `${failure.regionId}|${failure.channel}`;
    listed.set(k, (listed.get(k) ?? 0) + 1);
  }
  for (const { tally, where } of tallies) {
    const n = listed.get(`${tally.regionId}|${tally.channel}`) ?? 0;
    if (tally.failed !== undefined && n > tally.failed)
      problems.add(where, tx.fewerThanListed(channelName[tally.channel], tally.failed, n));
  }
}
