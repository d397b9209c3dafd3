import { describe, expect, it } from 'vitest';
import {
  parseChannel,
  parsePeriod,
  passRate,
  percent,
  periodLabel,
  shortProblem,
} from '../../handlers/format.ts';

describe('percent()', () => {
  it('gives two decimals', () => {
    expect(percent(433, 435)).toBe('99.54%');
    expect(percent(2, 50)).toBe('4.00%');
    expect(percent(0, 39)).toBe('0.00%');
    expect(percent(39, 39)).toBe('100.00%');
  });

  it('has no rate when nothing was checked', () => {
    expect(percent(0, 0)).toBe('—');
  });

  it('never rounds a failure away: 1 of 150,000 is <0.01% failed and >99.99% passed', () => {
    expect(percent(1, 150_000)).toBe('<0.01%');
    expect(percent(149_999, 150_000)).toBe('>99.99%');
  });
});

describe('passRate()', () => {
  it('is the pass rate in percentage points, undefined when nothing was checked', () => {
    expect(passRate(50, 2)).toBe(96);
    expect(passRate(0, 0)).toBeUndefined();
  });
});

describe('parsePeriod()', () => {
  it('reads quarters written the ways people write them', () => {
    for (const text of ['2020Q1', '2020q1', '2020-Q1', '2020年第一季度', '2020年一季度', '2020第1季度']) {
      expect(parsePeriod(text), text).toBe('2020Q1');
    }
  });

  it('reads months and half-years', () => {
    expect(parsePeriod('2023-09')).toBe('2023-09');
    expect(parsePeriod('2023年9月')).toBe('2023-09');
    expect(parsePeriod('2023.9')).toBe('2023-09');
    expect(parsePeriod('2020H2')).toBe('2020H2');
  });

  it('reads anything else as no period', () => {
    for (const text of ['福州', '2020Q5', '2023-13', '2023-00', '20201', ''])
      expect(parsePeriod(text), text).toBeUndefined();
  });
});

describe('periodLabel()', () => {
  it('writes a period the way a notice does', () => {
    expect(periodLabel('2020Q1')).toBe('2020年第一季度');
    expect(periodLabel('2023-09')).toBe('2023年9月');
    expect(periodLabel('2020H1')).toBe('2020年上半年');
    expect(periodLabel('2020H2')).toBe('2020年下半年');
  });
});

describe('parseChannel()', () => {
  it('reads the channel words in Chinese and English, any case', () => {
    expect(parseChannel('网站')).toBe('website');
    expect(parseChannel('政务新媒体')).toBe('newmedia');
    expect(parseChannel('Website')).toBe('website');
    expect(parseChannel('福州')).toBeUndefined();
  });
});

describe('shortProblem()', () => {
  it('drops the veto marker in either bracket form', () => {
    expect(shortProblem('栏目不更新（单项否决）')).toBe('栏目不更新');
    expect(shortProblem('内容不更新 ( 单项否决 )')).toBe('内容不更新');
    expect(shortProblem('错别字')).toBe('错别字');
  });
});
