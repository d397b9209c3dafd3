import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Dataset } from '../dataset.ts';
import type { Channel, Failure, Mention, Region, Round, Tally } from '../schema.ts';
import { channels } from '../schema.ts';
import { planRound, type RoundPlan } from './build-round.ts';
import { asOfDate, deadlinePhrase, wholeLineDate } from './dates.ts';
import { type Line, toLines } from './lines.ts';
import { failuresFromList, failuresFromProse, mentionsFromList, mentionsFromProse } from './items.ts';
import { dateLine, findTitle, OFFICE } from './issuer.ts';
import { RegionLearner } from './learn.ts';
import { periodIn } from './period.ts';
import { isPlatform, looksLikeProblem } from './problems.ts';
import { readProse } from './prose.ts';
import { issuerAndScope } from './scope.ts';
import { outline, type Section } from './sections.ts';
import type { RoundDraft } from './records.ts';
import { ImportError, Problems } from './refusal.ts';
import { checkTallies, proseTally, rateAgrees, regionRateTallies, tallyRows } from './tallies.ts';
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
  /** How the text was read (data/import/files): plain text, Word, PDF or a saved web page. */
  format?: 'txt' | 'docx' | 'pdf' | 'html';
  /** The title of the page or document, used when the text has none. */
  title?: string;
  /** The page's publication date (ISO), used when the text has no dated sign-off. */
  published?: string;
  /** `--issuer <地区或机关>`: supplies or overrides the issuer and its region. */
  issuer?: string;
  /** The portal a saved page came from (its SiteName meta, or the site part of its <title>). */
  site?: string;
  /** `--period <期次>` (2025Q1, 2025H1, 2023-09, 2025年第一季度): supplies or overrides the period. */
  period?: string;
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
  const title = findTitle(body, src.title);
  const titleLine = title && title.line > 0 ? body.find((l) => l.no === title.line) : undefined;
  const given = src.period === undefined ? undefined : periodOption(src.period);
  const period =
    given ??
    periodIn(title?.text ?? '') ??
    firstPeriod(body.slice(0, 8)) ??
    firstPeriod(o.attachments.flatMap((a) => (a.title ? [a.title] : []))) ??
    roundPeriod(body) ??
    yearlessQuarter(body, src.published);
  const prose = readProse(body);
  if (!period) {
    const looksLikeNotice = o.attachments.length > 0 || prose.tallies.size > 0;
    throw new ImportError(looksLikeNotice ? tx.noPeriod : tx.notANotice, titleLine?.no ?? firstLine(body));
  }
  const learner = new RegionLearner(data.regions.all());
  const found = issuerAndScope(src, lines, body, title, learner);
  const issuer = found.issuer;
  const scope = found.scope;
  const roundKey = `${period}@${scope.id}`;
  const ctx: ImportContext = { learner, scope, roundKey, notes: [], warnings: [] };
  if (found.note) ctx.notes.push(found.note);
  if (given) ctx.notes.push(tx.periodFromOption(given));

  const tallies = new Map<Channel, Tally[]>();
  const failures: Failure[] = [];
  const mentions: Mention[] = [];
  const listed = new Set<Channel>();
  const lastLine = (lines.at(-1) as Line).no;

  if (o.listed.length > o.attachments.length) {
    if (o.attachments.length > 0)
      throw new ImportError(tx.missingAttachments(o.listed.length, o.attachments.length), lastLine);
    throw new ImportError(tx.attachmentsAbsent(o.listed.length), lastLine);
  }
  // A text that stops mid-sentence is only suspect; it is refused below if it also names fewer
  // failures in a list than it counts (the first 3,000 bytes of the shipped notice).
  const cut = o.attachments.length === 0 ? cutMidSentence(lines) : undefined;

  o.attachments.forEach((section, k) => {
    const endOfText = k === o.attachments.length - 1;
    // 附件4 and nothing after it: the text stops where an attachment begins.
    if (!section.title && section.lines.length === 0)
      throw new ImportError(tx.emptyAttachment(section.attachment), section.startLine);
    const kind = sectionKind(section);
    if (!kind) {
      ctx.warnings.push(tx.skippedAttachment(section.attachment, section.title?.raw ?? ''));
      return;
    }
    // The text stops inside the header of its only attachment's table, before any row: the copy
    // lost the table. When the body states the results itself they are imported with a warning; a
    // copy like that never replaces a round already stored (that would drop its table).
    if (
      endOfText &&
      o.attachments.length === 1 &&
      !section.lines.some((l) => /\d/.test(l.text)) &&
      prose.tallies.size > 0 &&
      !data.rounds.some((v) => v.round.key === roundKey)
    ) {
      ctx.warnings.push(tx.tableCutBeforeRows(section.attachment, section.title?.raw ?? ''));
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
  const regional = regionRateTallies(
    prose.regionRates,
    (id, ch) => (tallies.get(ch) ?? []).some((t) => t.regionId === id),
    ctx,
  );
  for (const t of regional) tallies.set(t.channel, [...(tallies.get(t.channel) ?? []), t]);
  const named = failuresFromProse(prose.failures, listed, ctx);
  failures.push(...named);
  // A notice that only names its failures (a veto list, A和B网站不合格) states that many failed.
  for (const channel of channels) {
    const n = named.filter((f) => f.channel === channel).length;
    if (n === 0) continue;
    const rows = tallies.get(channel);
    const own = rows?.find((t) => t.regionId === scope.id);
    if (!rows) {
      tallies.set(channel, [{ regionId: scope.id, channel, failed: n, derived: ['failed'] }]);
      ctx.notes.push(tx.failedFromNames(channel, n));
    } else if (own && own.failed === undefined && namesAreTheFailed(own, n)) {
      own.failed = n;
      own.derived = [...(own.derived ?? []), 'failed'];
      ctx.notes.push(tx.failedFromNames(channel, n));
    }
  }
  mentions.push(
    ...mentionsFromProse(prose.praised, 'praised'),
    ...mentionsFromProse(prose.criticised, 'criticised'),
  );

  const allTallies = [...tallies.values()].flat();
  // A notice that states no figures but names what it found (问题 with the accounts or sites as
  // examples) is still a result: its round holds those names and no counts, none invented.
  if (allTallies.length === 0 && failures.length === 0 && mentions.length === 0)
    throw new ImportError(tx.noResults, resultsLine(body));
  // Fewer items named in lists than the notice counts means lists were lost (a cut text, a
  // missing page): refused, every channel at once. More named than counted is the publisher's
  // slip: a warning. A notice that names none of its failures (most prose notices) is not refused.
  const problems = new Problems();
  const replacing = data.rounds.some((v) => v.round.key === roundKey);
  for (const [channel, rows] of tallies) {
    const own = rows.find((r) => r.regionId === scope.id);
    const named = failures.filter((f) => f.channel === channel).length;
    const failed = own
      ? own.failed
      : rows.reduce<number | undefined>(
          (n, r) => (n === undefined || r.failed === undefined ? undefined : n + r.failed),
          0,
        );
    if (failed === undefined || (!listed.has(channel) && named === 0 && !cut)) continue;
    if (named < failed) {
      // A list that names fewer than it counts lost rows. A text cut mid-sentence that counts
      // failures it never names may only be a partial copy of a prose notice: it is previewed
      // with a warning, but it never replaces a round already stored (that would drop its list).
      if (listed.has(channel) || replacing)
        problems.add({ line: cut?.no ?? lastLine }, tx.fewerNamedThanCounted(channel, named, failed));
      else ctx.warnings.push(tx.fewerNamedThanCounted(channel, named, failed));
    } else if (named > failed) ctx.warnings.push(tx.listCountDiffers(channel, named, failed));
  }
  if (cut && !problems.empty) problems.add({ line: cut.no }, tx.cutMidSentence(cut.text.slice(-12)));
  problems.throwIfAny();
  if (cut) ctx.warnings.push(tx.cutMidSentence(cut.text.slice(-12)));

  const round = roundOf({
    src,
    lines: body,
    period,
    scope,
    issuer,
    title: title?.raw,
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
      ...(t.total !== undefined ? { total: t.total } : {}),
      ...(t.checked !== undefined ? { checked: t.checked } : {}),
      ...(t.failed !== undefined ? { failed: t.failed } : {}),
      ...(t.rate ? { rate: t.rate } : {}),
      ...(t.derived ? { derived: t.derived } : {}),
      ...(t.platforms ? { platforms: t.platforms } : {}),
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

/**
 * Whether the failures a notice names are all it had: it states no rate, or the rate it states is
 * the one those many failures give of what it checked (不合格的网站有A、B with 33 sites at 93.94%).
 */
function namesAreTheFailed(t: Tally, named: number): boolean {
  if (t.rate === undefined) return true;
  const base = t.checked ?? t.total;
  if (t.rate.bound || base === undefined || base === 0) return false;
  const computed = ((t.rate.kind === 'fail' ? named : base - named) / base) * 100;
  return rateAgrees(t.rate.value, t.rate.decimals, computed);
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

function firstLine(body: Line[]): number {
  return body[0]?.no ?? 1;
}

/** Where results were expected: the line of 一、总体情况 (or the like), else the first prose line. */
function resultsLine(body: Line[]): number {
  const heading = body.find((l) =>
    /^[一二三四1-4][、.．]?(总体|基本|检查|抽查|监测)(情况|结果)/.test(l.text),
  );
  if (heading) return heading.no;
  const first = body.find((l) => /检查|抽查|监测/.test(l.text) && l.text.length > 30);
  return (first ?? body[0])?.no ?? 1;
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
  title: string | undefined;
  now: Date;
  key: string;
}): Round {
  const joined = a.lines.map((l) => l.text).join('\n');
  const round: Round = {
    key: a.key,
    period: a.period,
    scopeRegionId: a.scope.id,
    title: a.title ?? a.lines[0]?.raw ?? a.src.file,
    issuer: a.issuer,
    source: {
      file: path.basename(a.src.file),
      sha256: createHash('sha256').update(a.src.text).digest('hex'),
      kind: 'notice',
    },
    importedAt: a.now.toISOString(),
  };
  // The notice's own 文号 stands on a line of its own near the title; one inside a sentence
  // belongs to a cited document (《…》（黔府办函〔2018〕14号）).
  const DOC = /^[\u4e00-\u9fa5]{1,12}[〔[(]\d{4}[〕\])]\d+号$/;
  const doc = a.lines.slice(0, 8).find((l) => DOC.test(l.text));
  if (doc) round.docNumber = doc.text;
  const issued = [...a.lines].reverse().find((l) => dateLine(l.text));
  if (issued) round.issuedOn = dateLine(issued.text) as string;
  else if (a.src.published) round.issuedOn = a.src.published;
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

/** `--period`: 2025Q1, 2025H1, 2023-09, or as a notice writes it (2025年第一季度); else refused. */
function periodOption(text: string): string {
  const t = text.normalize('NFKC').replace(/\s+/g, '');
  const m = t.match(/^(\d{4})(?:[Qq]([1-4])|[Hh]([12])|-(\d{2}))$/);
  if (m) {
    if (m[2]) return `${m[1]}Q${m[2]}`;
    if (m[3]) return `${m[1]}H${m[3]}`;
    if (Number(m[4]) >= 1 && Number(m[4]) <= 12) return `${m[1]}-${m[4]}`;
  }
  const p = periodIn(t);
  if (p) return p;
  throw new ImportError(tx.periodOptionUnknown(text));
}

function firstPeriod(lines: Line[]): string | undefined {
  for (const l of lines) {
    const p = periodIn(l.text);
    if (p) return p;
  }
  return undefined;
}

const CN_NUM: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4 };

/**
 * 2021年第二次全省政府网站…抽查 (Hubei numbers its checks): the quarter the check was held in, by
 * the month of the first date after it (6月16日至6月22日 → Q2), else the N-th quarter.
 */
function roundPeriod(body: Line[]): string | undefined {
  for (const l of body.slice(0, 12)) {
    const m = l.text.match(/(\d{4})年(?:度)?第([一二三四])次/);
    if (!m) continue;
    const text = body
      .slice(body.indexOf(l), body.indexOf(l) + 8)
      .map((x) => x.text)
      .join('');
    const month = text.slice(text.indexOf(m[0])).match(/(\d{1,2})月(?:\d{1,2}日|中旬|上旬|下旬|份)/)?.[1];
    const q =
      month && Number(month) >= 1 && Number(month) <= 12
        ? Math.ceil(Number(month) / 3)
        : CN_NUM[m[2] as string];
    return `${m[1]}Q${q}`;
  }
  return undefined;
}

/**
 * 第一季度 without a year: the year of the notice's dates (its sign-off, the page's date, the
 * first full date in the text); a notice dated before its quarter began is the year before's.
 */
function yearlessQuarter(body: Line[], published: string | undefined): string | undefined {
  const head = body.slice(0, 12).map((l) => l.text.replace(/《[^》]*》/g, ''));
  const q = head.join('').match(/第?([一二三四])季度/)?.[1];
  if (!q) return undefined;
  const signed = [...body].reverse().find((l) => dateLine(l.text));
  const iso =
    (signed && dateLine(signed.text)) ??
    published ??
    body
      .map((l) => l.text.match(/(\d{4})年(\d{1,2})月\d{1,2}日/))
      .filter((m): m is RegExpMatchArray => m !== null)
      .map((m) => `${m[1]}-${(m[2] as string).padStart(2, '0')}`)
      .sort()
      .at(-1);
  if (!iso) return undefined;
  const year = Number(iso.slice(0, 4));
  const month = Number(iso.slice(5, 7));
  const quarter = CN_NUM[q] as number;
  return `${month < (quarter - 1) * 3 + 1 ? year - 1 : year}Q${quarter}`;
}
