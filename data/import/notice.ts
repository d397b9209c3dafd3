import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Dataset } from '../dataset.ts';
import type { Channel, Failure, Mention, Region, Round, Tally } from '../schema.ts';
import { planRound, type RoundPlan } from './build-round.ts';
import { asOfDate, deadlinePhrase, wholeLineDate } from './dates.ts';
import { type Line, toLines } from './lines.ts';
import { failuresFromList, failuresFromProse, mentionsFromList, mentionsFromProse } from './items.ts';
import { RegionLearner } from './learn.ts';
import { periodIn } from './period.ts';
import { isPlatform, looksLikeProblem } from './problems.ts';
import { readProse } from './prose.ts';
import { outline, type Section } from './sections.ts';
import { checkTallies, proseTally, tallyRows } from './tallies.ts';
import type { RoundDraft } from './records.ts';
import { ImportError, Problems } from './refusal.ts';
import { readListTable, readTallyTable } from './tables.ts';
import { importText as tx } from './text/notice.ts';

export { failureId } from './failure-id.ts';
export type { ImportReport } from './build-round.ts';

/** What parseNotice returns: the builder's plan (one shape for every door). */
export type ImportPlan = RoundPlan;

export interface NoticeSource {
  text: string;
  /** The file's name, kept as the round's source. */
  file: string;
}

/** Everything one import accumulates while it reads. */
export interface ImportContext {
  learner: RegionLearner;
  scope: Region;
  roundKey: string;
  notes: string[];
  warnings: string[];
}

/**
 * Reads a published notice (its text) into a round: metadata, per-region tallies for each channel,
 * failed items, and mentions. Pure: it writes nothing; the caller applies the plan. Throws
 * ImportError naming the line when the text is not a notice, is cut off inside a table, or has a
 * number that does not parse.
 */
export function parseNotice(src: NoticeSource, data: Dataset, now: Date): ImportPlan {
  const lines = toLines(src.text);
  if (lines.length === 0) throw new ImportError(tx.empty, 1);
  const o = outline(lines);
  const body = o.body.lines;
  const titleLine = findTitle(body);
  const period =
    periodIn(titleLine?.text ?? '') ??
    firstPeriod(body.slice(0, 6)) ??
    firstPeriod(o.attachments.flatMap((a) => (a.title ? [a.title] : [])));
  const prose = readProse(body);
  if (!period) {
    const looksLikeNotice = o.attachments.length > 0 || prose.tallies.size > 0;
    throw new ImportError(looksLikeNotice ? tx.noPeriod : tx.notANotice, titleLine?.no ?? 1);
  }
  const issuer = findIssuer(body, titleLine);
  if (!issuer) throw new ImportError(tx.noIssuer, titleLine?.no ?? 1);

  const learner = new RegionLearner(data.regions.all());
  const scope = scopeOf(issuer.name, learner, titleLine?.no ?? 1);
  const roundKey = `${period}@${scope.id}`;
  const ctx: ImportContext = { learner, scope, roundKey, notes: [], warnings: [] };

  const tallies = new Map<Channel, Tally[]>();
  const failures: Failure[] = [];
  const mentions: Mention[] = [];
  const listed = new Set<Channel>();
  const lastLine = (lines.at(-1) as Line).no;

  // A notice that lists attachments it does not carry, or whose text stops mid-sentence, was not
  // copied in full: importing it would replace a round with part of one.
  if (o.listed.length > o.attachments.length) {
    if (o.attachments.length > 0)
      throw new ImportError(tx.missingAttachments(o.listed.length, o.attachments.length), lastLine);
    throw new ImportError(tx.attachmentsAbsent(o.listed.length), lastLine);
  }
  // A text that stops mid-sentence is only suspect; it is refused below if it also counts
  // failures it does not name (the first 3,000 bytes of the shipped notice).
  const cut = o.attachments.length === 0 ? cutMidSentence(lines) : undefined;

  o.attachments.forEach((section, k) => {
    const endOfText = k === o.attachments.length - 1;
    const kind = sectionKind(section);
    // 附件4 and nothing after it: the text stops where an attachment begins.
    if (!section.title && section.lines.length === 0)
      throw new ImportError(tx.emptyAttachment(section.attachment), section.startLine);
    if (!kind) {
      ctx.warnings.push(tx.skippedAttachment(section.attachment, section.title?.raw ?? ''));
      return;
    }
    const channel = sectionChannel(section);
    if (!channel) throw new ImportError(tx.noChannel, section.title?.no ?? section.startLine);
    if (kind === 'tally') {
      const table = readTallyTable(section, endOfText);
      const rows = tallyRows(table, channel, ctx);
      tallies.set(channel, [...(tallies.get(channel) ?? []), ...rows]);
    } else {
      const table = readListTable(section, endOfText, {
        isPlatform,
        looksLikeProblem,
        isRegion: (t) => learner.resolve(t, scope.id) !== undefined,
      });
      if (kind === 'failures') {
        failures.push(...failuresFromList(table, channel, ctx));
        listed.add(channel);
      } else {
        mentions.push(...mentionsFromList(table, channel, kind, section.title?.raw ?? ''));
      }
    }
  });

  for (const [channel, stated] of prose.tallies) {
    const fromTable = tallies.get(channel);
    if (fromTable) {
      checkTallies(fromTable, stated, scope, ctx);
      continue;
    }
    const t = proseTally(stated, scope, ctx);
    if (t) tallies.set(channel, [t]);
  }
  failures.push(...failuresFromProse(prose.failures, listed, ctx));
  mentions.push(
    ...mentionsFromProse(prose.praised, 'praised'),
    ...mentionsFromProse(prose.criticised, 'criticised'),
  );

  const allTallies = [...tallies.values()].flat();
  if (allTallies.length === 0) throw new ImportError(tx.noResults, titleLine?.no ?? 1);
  // Fewer items named than the notice counts means lists were lost (a cut text, a missing page):
  // refused, every channel at once. More named than counted is the publisher's slip: a warning.
  const problems = new Problems();
  for (const [channel, rows] of tallies) {
    const own = rows.find((r) => r.regionId === scope.id);
    const named = failures.filter((f) => f.channel === channel).length;
    const failed = own?.failed ?? rows.reduce((n, r) => n + r.failed, 0);
    if (!listed.has(channel) && named === 0 && !cut) continue;
    if (named < failed) problems.add({ line: lastLine }, tx.fewerNamedThanCounted(channel, named, failed));
    else if (named > failed) ctx.warnings.push(tx.listCountDiffers(channel, named, failed));
  }
  if (cut && !problems.empty) problems.add({ line: cut.no }, tx.cutMidSentence(cut.text.slice(-12)));
  problems.throwIfAny();
  if (cut) ctx.warnings.push(tx.cutMidSentence(cut.text.slice(-12)));

  const round = roundOf({
    src,
    lines: body,
    period,
    scope,
    issuer: issuer.name,
    titleLine,
    now,
    key: roundKey,
  });
  return planRound(noticeDraft(round, allTallies, failures, mentions, learner.learned, ctx), data, now);
}

/**
 * The notice as the import contract's records: the reader has placed every row and item in the
 * notice's own terms (its 合计 row is the scope, 福建省 in a list is the 省直部门), so the records
 * carry their region ids; the builder checks them, computes ids and codes, and writes the round.
 */
function noticeDraft(
  round: Round,
  tallies: Tally[],
  failures: Failure[],
  mentions: Mention[],
  learned: Region[],
  ctx: ImportContext,
): RoundDraft {
  const where = { file: round.source.file };
  const at = (text: string) => ({ text, where });
  const draft: RoundDraft = {
    source: round.source,
    meta: { period: at(round.period), title: round.title, issuer: round.issuer },
    scopeId: round.scopeRegionId,
    tallies: tallies.map((t) => ({
      region: at(t.regionId),
      channel: t.channel,
      total: t.total,
      checked: t.checked,
      failed: t.failed,
      sum: false,
      where,
      regionId: t.regionId,
    })),
    failures: failures.map((f) => ({
      channel: f.channel,
      region: at(f.regionText),
      ...(f.unitName ? { unit: f.unitName } : {}),
      subject: f.subject,
      ...(f.platform ? { platform: f.platform } : {}),
      problem: f.problem,
      where,
      regionId: f.regionId,
    })),
    mentions,
    learned,
    notes: ctx.notes,
    warnings: ctx.warnings,
    listedMayExceedTallies: true,
  };
  const m = draft.meta;
  if (round.docNumber) m.docNumber = round.docNumber;
  if (round.issuedOn) m.issuedOn = at(round.issuedOn);
  if (round.resultsAsOf) m.resultsAsOf = at(round.resultsAsOf);
  if (round.deadline) m.deadline = at([round.deadline.date, round.deadline.time].filter(Boolean).join(' '));
  if (round.reportTo) m.reportTo = round.reportTo;
  return draft;
}

/** Sentence ends, closing quotes and brackets: a paragraph of a notice ends with one of these. */
const SENTENCE_END = /[。！？!?；;：:”’」』）)】\]…]$/;

/**
 * The last line, when the text stops inside a sentence of the body: a long line of prose that
 * ends without a sentence end, and is neither a date, a signature nor a trailer. (A text cut
 * inside a table is caught by the table readers.)
 */
function cutMidSentence(lines: readonly Line[]): Line | undefined {
  const last = lines.at(-1);
  if (!last || last.text.length < 20 || SENTENCE_END.test(last.text)) return undefined;
  if (wholeLineDate(last.text) || OFFICE.test(last.text) || /^(抄送|\(此件|（此件|印发|附件)/.test(last.text))
    return undefined;
  return last;
}

function findTitle(body: Line[]): Line | undefined {
  return (
    body.find((l) => /关于.*(检查|抽查|监测|普查|测评|评估).*通报/.test(l.text)) ??
    body.find((l) => /关于.*通报/.test(l.text)) ??
    body.slice(0, 6).find((l) => /(检查|抽查|监测).*(情况|结果)/.test(l.text) && l.text.length <= 80)
  );
}

function firstPeriod(lines: Line[]): string | undefined {
  for (const l of lines) {
    const p = periodIn(l.text);
    if (p) return p;
  }
  return undefined;
}

const OFFICE =
  /(人民政府办公厅|人民政府办公室|政府办公厅|政府办公室|人民政府|办公厅|办公室|管委会|网信办|政务公开办公室|政务公开办|大数据局|大数据管理局|政务服务数据管理局|政务服务管理局)$/;

/** The issuer: the title's words before 关于, or the signature line above the date. */
function findIssuer(body: Line[], title: Line | undefined): { name: string } | undefined {
  const before = title?.raw.normalize('NFKC').split('关于')[0]?.trim();
  if (before && title?.text.includes('关于') && OFFICE.test(before)) return { name: before };
  for (let i = body.length - 1; i > 0; i--) {
    const l = body[i] as Line;
    if (wholeLineDate(l.text)) {
      const sig = body[i - 1] as Line;
      if (OFFICE.test(sig.text) && sig.text.length <= 30) return { name: sig.text };
    }
  }
  const sig = body.find((l) => OFFICE.test(l.text) && l.text.length <= 30);
  return sig ? { name: sig.text } : undefined;
}

/**
 * The region an issuer speaks for: 福建省人民政府办公厅 → 福建省. An unknown place is learned only
 * when it reads as a place (ends in 省, 市, 县 …); anything else (福建生人民政府办公厅) is refused
 * with the closest known names, never made a new root region.
 */
function scopeOf(issuer: string, learner: RegionLearner, line: number): Region {
  if (/^国务院/.test(issuer)) return learner.resolve('全国') ?? learner.learn('全国', undefined);
  const place = issuer.replace(OFFICE, '').replace(OFFICE, '');
  const m = place.match(/^(.+?(?:省|自治区|市|自治州|州|盟|地区|区|县|旗))/);
  const name = m?.[1] ?? place;
  const known = learner.resolve(name) ?? learner.prefixOf(name);
  if (known) return known;
  if (!m) {
    const near = learner.regions.suggest(name).map((r) => r.name);
    throw new ImportError(tx.unknownIssuerPlace(issuer, name, near), line);
  }
  // 连云港市XX区: learn the city, then the district under it.
  const parts = name.match(/^(.+?市)(.+(?:区|县|市))$/);
  if (parts?.[1] && parts[2]) return learner.learn(parts[2], learner.learn(parts[1], undefined).id);
  return learner.learn(name, undefined);
}

type SectionKind = 'tally' | 'failures' | 'praised' | 'criticised';

function sectionKind(section: Section): SectionKind | undefined {
  const title = section.title?.text ?? '';
  if (/表扬|优秀|先进/.test(title)) return 'praised';
  if (/不合格.*(名单|清单|名录|情况表)/.test(title)) return 'failures';
  if (/批评|表述|错误|问题清单|扣分|存在问题/.test(title)) return 'criticised';
  if (/名单|清单|名录/.test(title)) return 'failures';
  if (/情况表|统计表|汇总表|一览表|情况|结果/.test(title)) return 'tally';
  return undefined;
}

function sectionChannel(section: Section): Channel | undefined {
  const title = section.title?.text ?? '';
  if (/新媒体|公众号|微博|账号/.test(title)) return 'newmedia';
  if (/网站/.test(title)) return 'website';
  const head = section.lines
    .slice(0, 12)
    .map((l) => l.text)
    .join('');
  if (/平台|账号|新媒体/.test(head)) return 'newmedia';
  if (/网站/.test(head)) return 'website';
  return undefined;
}

function roundOf(a: {
  src: NoticeSource;
  lines: Line[];
  period: string;
  scope: Region;
  issuer: string;
  titleLine: Line | undefined;
  now: Date;
  key: string;
}): Round {
  const joined = a.lines.map((l) => l.text).join('\n');
  const round: Round = {
    key: a.key,
    period: a.period,
    scopeRegionId: a.scope.id,
    title: a.titleLine?.raw ?? a.lines[0]?.raw ?? a.src.file,
    issuer: a.issuer,
    source: {
      file: path.basename(a.src.file),
      sha256: createHash('sha256').update(a.src.text).digest('hex'),
      kind: 'notice',
    },
    importedAt: a.now.toISOString(),
  };
  const doc = joined.match(/[\u4e00-\u9fa5]{1,12}[〔[(]\d{4}[〕\])]\d+号/);
  if (doc) round.docNumber = doc[0];
  const issued = [...a.lines].reverse().find((l) => wholeLineDate(l.text));
  if (issued) round.issuedOn = wholeLineDate(issued.text) as string;
  const asOf = asOfDate(joined);
  if (asOf) round.resultsAsOf = asOf;
  const year = Number((round.issuedOn ?? a.period).slice(0, 4));
  for (const sentence of joined.split(/[。\n]/)) {
    if (!/整改|报送|报告|书面报|报至/.test(sentence)) continue;
    const d = deadlinePhrase(sentence, year);
    if (!d) continue;
    round.deadline = d.time ? { date: d.date, time: d.time } : { date: d.date };
    if (d.reportTo) round.reportTo = d.reportTo;
    break;
  }
  return round;
}
