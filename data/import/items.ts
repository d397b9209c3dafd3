import { importText as tx } from './text/notice.ts';
import type { Channel, Failure, Mention, Region } from '../schema.ts';
import type { ColumnKind } from './headers.ts';
import type { ImportContext } from './notice.ts';
import { places } from './places.ts';
import { failureId } from './failure-id.ts';
import { isVeto, problemCode } from './problems.ts';
import type { ProseName } from './prose.ts';
import type { ListTable } from './tables.ts';

const LABEL: Partial<Record<ColumnKind, string>> = {
  region: '所属地区',
  unit: '单位名称',
  platform: '平台',
  problem: '突出问题',
};

/**
 * Where a failed item belongs. A provincial notice lists provincial departments' sites under the
 * province itself (福建省 / 福建省教育厅): those go to the scope's 省直部门 region, and the report
 * says so. Unknown names are learned under the scope.
 */
function regionFor(
  text: string | undefined,
  subject: string,
  ctx: ImportContext,
): { region: Region; note?: string } {
  const { learner, scope } = ctx;
  if (text) {
    const r = learner.resolve(text, scope.id);
    if (r) {
      if (r.id === scope.id && scope.kind === 'province') {
        const depts = learner.regions.childrenOf(scope.id).find((c) => c.kind === 'provincial-depts');
        if (depts) return { region: depts, note: tx.mappedToDepts(text, depts.name) };
      }
      return { region: r };
    }
    const placed = learner.placeWithin(text, scope, places());
    if (placed) return { region: placed };
    const prefix = learner.prefixOf(text, scope.id);
    if (prefix) return { region: prefix };
    return { region: learner.learn(text, scope.id) };
  }
  const prefix = learner.prefixOf(subject, scope.id);
  if (prefix) return { region: prefix, note: tx.regionFromName(subject, prefix.name) };
  return { region: scope, note: tx.regionUnknown(subject, scope.name) };
}

export function failuresFromList(table: ListTable, channel: Channel, ctx: ImportContext): Failure[] {
  const out: Failure[] = [];
  const seen = new Set<string>();
  for (const row of table.rows) {
    const c = row.cells;
    const subject = (c.account ?? c.site ?? c.unit)?.raw ?? '';
    const regionText = c.region?.raw;
    const { region, note } = regionFor(regionText, c.unit?.raw ?? subject, ctx);
    if (note && !ctx.notes.includes(note)) ctx.notes.push(note);
    if (row.inherited.length > 0) {
      ctx.notes.push(
        tx.inherited(
          row.line,
          row.seq,
          row.inherited.map((k) => `${LABEL[k] ?? k}“${c[k]?.raw ?? ''}”`),
        ),
      );
    }
    const problem = c.problem?.raw ?? tx.problemNotStated;
    const code = problemCode(channel, problem);
    const platform = c.platform?.raw;
    const unitName = c.unit?.raw ?? (channel === 'website' ? subject : undefined);
    const id = failureId(ctx.roundKey, channel, region.id, subject, platform);
    if (seen.has(id)) {
      ctx.warnings.push(tx.duplicateItem(row.line, subject));
      continue;
    }
    seen.add(id);
    const f: Failure = {
      id,
      channel,
      regionId: region.id,
      regionText: regionText ?? region.name,
      subject,
      problem,
      problemCode: code,
      veto: isVeto(problem, code),
    };
    if (platform) f.platform = platform;
    if (unitName) f.unitName = unitName;
    out.push(f);
  }
  return out;
}

/** Failures named only in prose (不合格网站为：…), for channels without a failure list. */
export function failuresFromProse(names: ProseName[], listed: Set<Channel>, ctx: ImportContext): Failure[] {
  const out: Failure[] = [];
  for (const n of names) {
    const channel = n.channel ?? 'website';
    if (listed.has(channel)) continue;
    const { region, note } = regionFor(undefined, n.name, ctx);
    if (note && !ctx.notes.includes(note)) ctx.notes.push(note);
    const problem = n.problem ?? tx.problemNotStated;
    const code = problemCode(channel, problem);
    const f: Failure = {
      id: failureId(ctx.roundKey, channel, region.id, n.name, n.platform),
      channel,
      regionId: region.id,
      regionText: region.name,
      subject: n.name,
      problem,
      problemCode: code,
      veto: isVeto(problem, code),
    };
    if (channel === 'website') f.unitName = n.name;
    if (n.platform) f.platform = n.platform;
    if (out.some((o) => o.id === f.id)) continue;
    out.push(f);
  }
  return out;
}

/** Lists of praised or criticised items: kept as mentions, never failures. */
export function mentionsFromList(
  table: ListTable,
  channel: Channel,
  kind: 'praised' | 'criticised',
  title: string,
): Mention[] {
  return table.rows.map((row) => {
    const c = row.cells;
    const name = (c.account ?? c.site ?? c.unit ?? c.region)?.raw ?? '';
    const text = c.problem?.raw ?? title;
    return { kind, channel, name, text };
  });
}

export function mentionsFromProse(names: ProseName[], kind: 'praised' | 'criticised'): Mention[] {
  return names.map((n) => ({
    kind,
    name: n.name,
    text: n.sentence,
    ...(n.channel ? { channel: n.channel } : {}),
  }));
}
