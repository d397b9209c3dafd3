import { sheetText as tx } from '../text/sheet.ts';
import type { Channel } from '../../schema.ts';
import { isTotalRow, rateMatches, readCount, readRate } from './cells.ts';
import { type Column, type ColumnKind, channelOfCell, countKinds, type Layout } from './columns.ts';
import type { Problems } from '../refusal.ts';
import type { Records } from '../records.ts';
import { RowView } from './row-view.ts';

const DASH = /^[-—–/\\]+$/;

/**
 * Reads the data rows of one table (a worksheet or a CSV file) into records, checking what a
 * single row can show: required cells present, counts whole numbers, failed ≤ checked ≤ total,
 * a stated rate equal to the counts. Names are resolved later (build.ts).
 */
export class TableReader {
  private previous = new Map<ColumnKind, string>();
  private lastColumnSite: { name: string; code?: string } | undefined;
  private readonly byKind = new Map<ColumnKind, Column>();
  /** One view, pointed at each row in turn (a table has up to 150,000 rows). */
  private readonly view: RowView;

  constructor(
    private readonly layout: Layout,
    at: { file: string; sheet?: string },
    problems: Problems,
    private readonly out: Records,
  ) {
    for (const c of [...layout.columns].reverse()) this.byKind.set(c.kind, c);
    this.view = new RowView(this.byKind, at, problems, this.previous);
  }

  read(row: number, cells: readonly string[]): void {
    if (cells.every((c) => c === '')) return;
    const r = this.view.at(row, cells);
    switch (this.layout.kind) {
      case 'meta': {
        const key = r.text('key');
        const value = r.cell('value');
        if (key && value?.text) this.out.meta.push({ key: key.replace(/\s/g, ''), value });
        return;
      }
      case 'regions':
        this.region(r);
        return;
      case 'tally':
        this.tally(r);
        return;
      case 'failedSites':
      case 'failedAccounts':
        this.failure(r, this.layout.kind === 'failedSites' ? 'website' : 'newmedia');
        return;
      case 'sites':
        this.site(r);
        return;
      case 'siteColumns':
        this.siteColumn(r);
        return;
      case 'accounts':
        this.account(r);
        return;
    }
  }

  private region(r: RowView): void {
    const name = r.required('region');
    if (!name) return;
    const rec: Records['regions'][number] = { name };
    const parent = r.cell('parent');
    if (parent?.text) rec.parent = parent;
    const code = r.text('code');
    if (code) rec.code = code;
    const short = r.text('short');
    if (short) rec.short = short;
    const kind = r.cell('regionKind');
    if (kind?.text) rec.kind = kind;
    this.out.regions.push(rec);
  }

  private tally(r: RowView): void {
    const region = r.required('region', false);
    if (!region) return;
    const sum = isTotalRow(region.text);
    const parent = r.cell('parent');
    const rowChannel = r.cell('channel');
    const fallback = rowChannel?.text ? channelOfCell(rowChannel.text) : undefined;
    if (rowChannel?.text && !fallback) r.problem('channel', tx.badChannel(rowChannel.text));
    const blocks = new Map<Channel, Column[]>();
    for (const c of this.layout.columns) {
      if (!countKinds.has(c.kind)) continue;
      const ch = c.channel ?? fallback;
      if (!ch) {
        r.problem(c.kind, tx.noChannel);
        continue;
      }
      blocks.set(ch, [...(blocks.get(ch) ?? []), c]);
    }
    for (const [channel, cols] of blocks) {
      const values = cols.map((c) => r.raw(c));
      if (values.every((v) => v === '' || DASH.test(v))) continue;
      const count = (kind: ColumnKind, needed: boolean): number | undefined => {
        const col = cols.find((c) => c.kind === kind);
        if (!col) return undefined;
        const text = r.raw(col);
        if (text === '' && !needed) return undefined;
        const n = readCount(text);
        if (n === undefined) r.problemAt(col, text === '' ? tx.emptyCell : tx.notCount(text));
        return n;
      };
      const checked = count('checked', true);
      const failed = count('failed', true);
      const total = count('total', false) ?? checked;
      if (checked === undefined || failed === undefined || total === undefined) continue;
      const failedCol = cols.find((c) => c.kind === 'failed')!;
      const checkedCol = cols.find((c) => c.kind === 'checked')!;
      if (checked > total) r.problemAt(checkedCol, tx.checkedOverTotal(checked, total));
      if (failed > checked) r.problemAt(failedCol, tx.failedOverChecked(failed, checked));
      for (const col of cols.filter((c) => c.kind === 'failRate' || c.kind === 'passRate')) {
        const text = r.raw(col);
        if (text === '' || DASH.test(text)) continue;
        const rate = readRate(text);
        const numerator = col.kind === 'failRate' ? failed : checked - failed;
        if (!rate) r.problemAt(col, tx.notRate(text));
        else if (!rateMatches(rate, numerator, checked))
          r.problemAt(col, tx.rateMismatch(text, numerator, checked));
      }
      const rec: Records['tallies'][number] = {
        region,
        channel,
        total,
        checked,
        failed,
        sum,
        where: r.where(),
      };
      if (parent?.text) rec.parent = parent;
      this.out.tallies.push(rec);
    }
  }

  private failure(r: RowView, channel: Channel): void {
    const region = r.required('region');
    const subject = r.required(channel === 'website' ? 'site' : 'account');
    const platform = channel === 'newmedia' ? r.required('platform') : undefined;
    const problem = r.required('problem');
    if (!region || !subject || !problem || (channel === 'newmedia' && !platform)) return;
    const rec: Records['failures'][number] = {
      channel,
      region,
      subject: subject.text,
      problem: problem.text,
      where: r.where(),
    };
    const unit = r.text('unit');
    if (unit) rec.unit = unit;
    if (platform) rec.platform = platform.text;
    this.out.failures.push(rec);
  }

  private site(r: RowView): void {
    const where = r.where();
    const region = r.requiredLazy('region', where);
    const name = r.need('site');
    if (!region || !name) return;
    const rec: Records['sites'][number] = { region, name, where };
    const unit = r.text('unit');
    if (unit) rec.unit = unit;
    const url = r.text('url');
    if (url) rec.url = url;
    const code = r.text('siteCode');
    if (code) {
      if (/^([0-9A-Za-z]{10}|bm\d{8})$/.test(code)) rec.siteCode = code;
      else r.problem('siteCode', tx.badSiteCode(code));
    }
    const kind = r.text('siteKind');
    if (kind) {
      if (/门户/.test(kind)) rec.kind = 'portal';
      else if (/部门|专项|其他/.test(kind)) rec.kind = 'department';
      else r.problem('siteKind', tx.badSiteKind(kind));
    }
    const contact = r.contact();
    if (contact) rec.contact = contact;
    this.out.sites.push(rec);
  }

  /** 栏目名册: a column to watch (name, list-page URL, kind, period in days) of a registered site. */
  private siteColumn(r: RowView): void {
    const where = r.where();
    // A site's columns come in consecutive rows: an empty 网站名称 (a merged cell) is the row above's.
    const own = r.text('site');
    const code = own ? r.text('siteCode') : (r.text('siteCode') ?? this.lastColumnSite?.code);
    const site = own ?? this.lastColumnSite?.name ?? r.need('site');
    if (own) this.lastColumnSite = { name: own, ...(code ? { code } : {}) };
    const name = r.need('columnName');
    const url = r.need('columnUrl');
    if (!site || !name || !url) return;
    const rec: Records['siteColumns'][number] = { site, name, url, where };
    if (!isHttpUrl(url)) r.problem('columnUrl', tx.badColumnUrl(url));
    const region = r.cell('region');
    if (region?.text) rec.region = region;
    if (code) {
      if (/^([0-9A-Za-z]{10}|bm\d{8})$/.test(code)) rec.siteCode = code;
      else r.problem('siteCode', tx.badSiteCode(code));
    }
    const kind = r.text('columnKind');
    if (kind) {
      const k = columnKindOf(kind);
      if (k) rec.kind = k;
      else r.problem('columnKind', tx.badColumnKind(kind));
    }
    const period = r.text('columnPeriod');
    if (period) {
      const n = readCount(period.replace(/天$/, ''));
      if (n !== undefined && n >= 1 && n <= 3660) rec.periodDays = n;
      else r.problem('columnPeriod', tx.badColumnPeriod(period));
    }
    this.out.siteColumns.push(rec);
  }

  private account(r: RowView): void {
    // Platform and name are kept as text: only the region needs its cell's location later.
    const where = r.where();
    const region = r.requiredLazy('region', where);
    const platform = r.need('platform');
    const name = r.need('account');
    if (!region || !platform || !name) return;
    const rec: Records['accounts'][number] = { region, platform, name, where };
    const unit = r.text('unit');
    if (unit) rec.unit = unit;
    const contact = r.contact();
    if (contact) rec.contact = contact;
    this.out.accounts.push(rec);
  }
}

function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** 栏目类型 as offices write it: 动态/要闻 (14 days), 通知公告/政策文件 (183 days), 其他 (its own period). */
function columnKindOf(text: string): 'news' | 'notice' | 'other' | undefined {
  const t = text.replace(/\s/g, '');
  if (/^(其他|其它|other)$/i.test(t)) return 'other';
  if (/^news$/i.test(t) || (/动态|要闻|新闻/.test(t) && !/通知|公告|政策|文件/.test(t))) return 'news';
  if (/^notice$/i.test(t) || (/通知|公告|政策|文件/.test(t) && !/动态|要闻|新闻/.test(t))) return 'notice';
  return undefined;
}
