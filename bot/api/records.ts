import {
  emptyDraft,
  type RoundDraft,
  type RoundMeta,
  type RoundSource,
  type Text,
} from '../../data/import/records.ts';
import type { RoundBody } from './body.ts';

/** An API body as the import contract's records (what a spreadsheet produces too); problems name JSON paths. */
export function bodyDraft(body: RoundBody, source: RoundSource): RoundDraft {
  const at = (path: string, value: string): Text => ({ text: value, where: { path } });
  const meta: RoundMeta = { period: at('period', body.period), scope: at('scope', body.scope) };
  if (body.title) meta.title = body.title;
  if (body.issuer) meta.issuer = body.issuer;
  if (body.docNumber) meta.docNumber = body.docNumber;
  if (body.issuedOn) meta.issuedOn = at('issuedOn', body.issuedOn);
  if (body.resultsAsOf) meta.resultsAsOf = at('resultsAsOf', body.resultsAsOf);
  if (body.deadline) meta.deadline = at('deadline', body.deadline);
  if (body.reportTo) meta.reportTo = body.reportTo;
  const records = { ...emptyDraft(source), meta };
  body.tallies.forEach((t, i) => {
    const where = { path: `tallies[${i}]` };
    const rec: RoundDraft['tallies'][number] = {
      region: at(`tallies[${i}].region`, t.region),
      channel: t.channel,
      total: t.total ?? t.checked,
      checked: t.checked,
      failed: t.failed,
      sum: false,
      where,
    };
    if (t.parent) rec.parent = at(`tallies[${i}].parent`, t.parent);
    records.tallies.push(rec);
  });
  body.failures.forEach((f, i) => {
    const rec: RoundDraft['failures'][number] = {
      channel: f.channel,
      region: at(`failures[${i}].region`, f.region),
      subject: f.subject,
      problem: f.problem,
      where: { path: `failures[${i}]` },
    };
    if (f.unit) rec.unit = f.unit;
    if (f.platform) rec.platform = f.platform;
    records.failures.push(rec);
  });
  return records;
}
