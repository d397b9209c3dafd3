import { channelName, sheetText as tx } from '../../../handlers/text.ts';
import type { Dataset } from '../../dataset.ts';
import type { Failure, Region, Round, RoundFile, Tally } from '../../schema.ts';
import { SCHEMA_VERSION } from '../../schema.ts';
import type { ImportWrite } from '../../store.ts';
import { failureId } from '../notice.ts';
import { isVeto, problemCode } from '../problems.ts';
import { optionalDate, readDeadline, readPeriod, type RoundMeta } from './meta.ts';
import { describeWhere, type Problems, type Where } from './problems.ts';
import type { Records, TallyRecord } from './records.ts';
import type { ImportRegions } from './regions.ts';

export interface RoundSource {
  file: string;
  sha256: string;
  kind: Round['source']['kind'];
}

/**
 * Turns tally and failure records into a round: the period and scope from the meta, each
 * tally row's region (unknown ones learned under the scope or the row's 上级地区), each failure's
 * region (which must be known, or tallied in the same import), and the checks only the whole
 * import can make: no region listed twice, no more failures listed than the tally counts.
 */
export function buildRound(
  records: Records,
  meta: RoundMeta,
  regions: ImportRegions,
  data: Dataset,
  source: RoundSource,
  now: Date,
  problems: Problems,
): ImportWrite | undefined {
  const period = meta.period ? readPeriod(meta.period.text) : undefined;
  if (!meta.period) problems.add({ path: 'period' }, tx.missingMeta('期次'));
  else if (!period) problems.add(meta.period.where, tx.badPeriod(meta.period.text));
  let scope: Region | undefined;
  if (!meta.scope) problems.add({ path: 'scope' }, tx.missingMeta('通报范围'));
  else scope = regions.find(meta.scope.text) ?? regions.learn(meta.scope.text, undefined);
  if (!period || !scope) return undefined;
  const key = `${period}@${scope.id}`;

  const tallies = readTallies(records.tallies, scope, regions, data, problems);
  const failures = readFailures(records, key, scope, regions, data, problems);
  checkListedAgainstTallies(tallies, failures, problems);

  const round: Round = {
    key,
    period,
    scopeRegionId: scope.id,
    title: meta.title ?? tx.defaultTitle(scope.name, period),
    issuer: meta.issuer ?? scope.name,
    source,
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
  const roundFile: RoundFile = {
    version: SCHEMA_VERSION,
    round,
    tallies: tallies.map((t) => t.tally),
    failures: failures.map((f) => f.failure),
    mentions: [],
  };
  return { newRegions: [...regions.learned], roundFile };
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
    let parentId = scope.id;
    if (row.parent) {
      const parent = regions.require(row.parent, undefined, problems);
      if (!parent) continue;
      parentId = parent.id;
    }
    const region =
      data.regions.childrenOf(parentId).length > 0
        ? regions.require(row.region, parentId, problems)
        : (regions.find(row.region.text, parentId) ?? regions.learn(row.region.text, parentId));
    if (!region) continue;
    regionOf.set(row, region);
    const k = `${region.id}|${row.channel}`;
    const first = seen.get(k);
    if (first) {
      problems.add(row.region.where, tx.duplicateRow(describeWhere(first)));
      continue;
    }
    seen.set(k, row.where);
    out.push({
      tally: {
        regionId: region.id,
        channel: row.channel,
        total: row.total,
        checked: row.checked,
        failed: row.failed,
      },
      where: row.where,
    });
  }
  for (const sum of sums) checkSum(sum, rows, regionOf, problems);
  return out;
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
  const add = (k: 'total' | 'checked' | 'failed') => same.reduce((n, r) => n + r[k], 0);
  for (const k of ['total', 'checked', 'failed'] as const) {
    if (add(k) !== sum[k]) problems.add(sum.region.where, tx.sumMismatch(tx.countNames[k], sum[k], add(k)));
  }
}

interface PlacedFailure {
  failure: Failure;
  where: Where;
}

function readFailures(
  records: Records,
  roundKey: string,
  scope: Region,
  regions: ImportRegions,
  data: Dataset,
  problems: Problems,
): PlacedFailure[] {
  const out: PlacedFailure[] = [];
  const seen = new Map<string, Where>();
  for (const row of records.failures) {
    const region = regions.require(row.region, scope.id, problems);
    if (!region) continue;
    const id = failureId(roundKey, row.channel, region.id, row.subject, row.platform);
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
