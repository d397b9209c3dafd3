import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dataset } from '../../../data/dataset.ts';
import { parseNotice } from '../../../data/import/notice.ts';
import { ImportError } from '../../../data/import/refusal.ts';
import { fujianRegions } from '../../../data/reference/fujian.ts';
import { SCHEMA_VERSION } from '../../../data/schema.ts';

/** Excerpts of real notices, sources in fixtures/excerpts/README.md. */
const excerpt = (name: string) =>
  readFileSync(path.join(import.meta.dirname, 'fixtures', 'excerpts', name), 'utf8');
const AT = new Date('2026-12-01T09:00:00+08:00');
const fresh = () =>
  new Dataset({ version: SCHEMA_VERSION, regions: fujianRegions(), units: [], sites: [], accounts: [] }, []);
const parse = (text: string, issuer?: string) =>
  parseNotice({ text, file: 'notice.txt', ...(issuer ? { issuer } : {}) }, fresh(), AT).report;
const tally = (r: ReturnType<typeof parse>, channel: 'website' | 'newmedia') =>
  r.tallies.find((t) => t.channel === channel && t.regionId === r.round.scopeRegionId);

function refusal(fn: () => unknown): ImportError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ImportError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('the issuer', () => {
  it('takes the place alone as issuer from a labelled title without an office (标题: 永泰县关于…自查情况的报告)', () => {
    const text = [
      '标题: 永泰县关于2024年3月政府网站与政务新媒体自查情况的报告',
      '一、总体情况',
      '永泰县现有政府门户网站1个,检查1个,全部合格。',
    ].join('\n');
    const r = parse(text);
    expect(r.round.title).toBe('永泰县关于2024年3月政府网站与政务新媒体自查情况的报告');
    expect(r.round.issuer).toBe('永泰县');
  });

  it('joins a title broken over two lines and takes the place the office names (六安市)', () => {
    const r = parse(excerpt('luan-2023q2.txt'));
    expect(r.round.title).toBe(
      '六安市政府网站和政务新媒体中心关于2023年第二季度全市政府网站和政务新媒体检查情况的通报',
    );
    expect(r.round.issuer).toBe('六安市政府网站和政务新媒体中心');
    expect(r.round.scopeRegionId).toBe('3415');
  });

  it('places an office without a place by its level (市) and the districts the body names, and names it whole', () => {
    const r = parse(excerpt('xianning-2020q3.txt'));
    expect(r.round.issuer).toBe('咸宁市人民政府办公室');
    expect(r.round.scopeRegionId).toBe('4212');
    expect(r.notes).toContain(
      '通报没有写明发文地区：按“市人民政府办公室”和正文所列地区（都属于“咸宁市”）确定范围为咸宁市。',
    );
  });

  it('never takes the issuer from a cited document, and refuses naming --issuer at the title’s line', () => {
    const err = refusal(() => parse(excerpt('guizhou-2025q2.txt')));
    expect(err.message).toMatch(/第1行：发文机关“省人民政府办公厅”没有写明地区.*--issuer/);
  });

  it('finds the scope of a notice without an office from 全市 and the places it names; --issuer overrides it', () => {
    const text = excerpt('weinan-2020q4.txt');
    expect(parse(text).round.scopeRegionId).toBe('6105');
    const r = parse(text, '陕西省');
    expect(r.round.scopeRegionId).toBe('61');
    expect(r.round.issuer).toBe('陕西省');
  });
});

describe('results in prose', () => {
  it('gives a count before 政府系统 and the channel to that channel, not to a channel named before it (县政府网站及8个政府系统政务新媒体)', () => {
    const r = parse(
      [
        '武定县人民政府办公室关于2025年9月政务新媒体监测情况的通报',
        '2025年9月,县政府办公室对县政府网站及8个政府系统政务新媒体运维情况开展检查,检查比例为100%。',
      ].join('\n'),
    );
    expect(tally(r, 'newmedia')).toMatchObject({ total: 8, checked: 8 });
    expect(tally(r, 'website')).toBeUndefined();
  });

  it('imports from the body with a warning when the copy stops inside the lone attachment’s table header', () => {
    const text = [
      '福州市人民政府办公厅关于2020年第四季度全市政府网站检查情况的通报',
      '一、总体情况',
      '本季度共检查政府网站20个,全部合格,合格率100%。',
      '附件:福州市2020年第四季度政府网站抽查情况统计表',
      '福州市人民政府办公厅',
      '2020年11月30日',
      '附件:',
      '福州市2020年第四季度政府网站抽查情况统计表',
      '序号 |',
      '网站名称 |',
    ].join('\n');
    const r = parse(text);
    expect(tally(r, 'website')).toMatchObject({ checked: 20, failed: 0 });
    expect(r.warnings.some((w) => /附件1.*表头处就结束/.test(w))).toBe(true);
  });

  it('reads a count whose measure word a copy dropped (备案的51政府网站,其中…) as the total', () => {
    const text = [
      '福州市人民政府办公厅关于2022年第二季度全市政府网站检查情况的通报',
      '一、总体情况',
      '检查范围为福州市在全国政府网站信息报送系统中备案的51政府网站,其中:市级门户网站1家,县区门户网站8家,市直部门网站42家,检查比例100%,合格网站50个,合格率98.04%。',
    ].join('\n');
    expect(tally(parse(text), 'website')).toMatchObject({ total: 51, checked: 51, failed: 1 });
  });

  it('warns and keeps only the stated rate when the prose figures contradict each other', () => {
    const text = [
      '福州市人民政府办公厅关于2022年第二季度全市政府网站检查情况的通报',
      '一、总体情况',
      '全市共检查政府网站12个,合格网站50个,合格率98.04%。',
    ].join('\n');
    const r = parse(text);
    const t = tally(r, 'website');
    expect(t?.rate).toMatchObject({ kind: 'pass', value: 98.04 });
    expect(t?.checked).toBeUndefined();
    expect(t?.failed).toBeUndefined();
    expect(r.warnings.some((w) => /第3行：.*对不上/.test(w))).toBe(true);
  });

  it('imports a notice that states no figures but names what it criticises, as mentions and no counts', () => {
    const text = [
      '福州市人民政府办公厅关于2020年第一季度全市政府网站和政务新媒体检查情况的通报',
      '一、发现的主要问题',
      '政务新媒体内容更新不及时现象仍然存在。市科技局“福州科技发布”微信公众号、市林业局“福州林业”微博长期未更新。',
    ].join('\n');
    const r = parse(text);
    expect(r.tallies).toEqual([]);
    expect(r.failures).toEqual([]);
    expect(r.mentions.map((m) => m.name)).toEqual(expect.arrayContaining(['福州科技发布', '福州林业']));
  });

  it('reads 48家…47家合格 with a named failure, and 全部合格, marking what it derived', () => {
    const r = parse(excerpt('luan-2023q2.txt'));
    expect(tally(r, 'newmedia')).toMatchObject({ checked: 149, failed: 0 });
    expect(r.failures.map((f) => [f.channel, f.subject])).toEqual([['website', '金开区管委网站']]);
    // 市审计局微信 … 等4个账号未转载 is a mention at most, never a failure.
    expect(r.failures.some((f) => f.channel === 'newmedia')).toBe(false);
  });

  it('reads a sample: 4935 running, 591 checked, 25 failed, the rate as stated', () => {
    const t = tally(parse(excerpt('gansu-2021q2.txt')), 'newmedia');
    expect(t).toMatchObject({
      total: 4935,
      checked: 591,
      failed: 25,
      rate: { kind: 'pass', value: 95.77, decimals: 2 },
    });
  });

  it('reads 抽查政府网站39个,合格…36个,不合格…3个 per channel', () => {
    const r = parse(excerpt('weinan-2020q4.txt'), '渭南市');
    expect(tally(r, 'website')).toMatchObject({ checked: 39, failed: 3 });
    expect(tally(r, 'newmedia')).toMatchObject({ checked: 140, failed: 36 });
  });

  it('keeps a rate stated without counts as a rate, never inventing counts, and per-platform rates', () => {
    const r = parse(excerpt('guizhou-2025q2.txt'), '贵州省');
    const t = tally(r, 'newmedia');
    expect(t).toMatchObject({ checked: 471, rate: { kind: 'pass', value: 90.87 } });
    expect(t?.failed).toBeUndefined();
    expect(t?.platforms?.map((p) => [p.platform, p.rate?.value])).toEqual([
      ['微信公众号', 95.57],
      ['微博', 92.13],
      ['抖音', 90.91],
      ['今日头条', 69.81],
    ]);
  });
});
