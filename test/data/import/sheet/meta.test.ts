import { describe, expect, it } from 'vitest';
import { readDate, readPeriod } from '../../../../data/import/sheet/meta.ts';

describe('readPeriod()', () => {
  it('reads quarters, halves and months as offices write them', () => {
    expect(['2020Q1', '2020q1', '2020年第一季度', '2020年一季度', '2020H2', '2020年下半年', '2023-09', '2023年9月'].map(readPeriod)).toEqual([
      '2020Q1',
      '2020Q1',
      '2020Q1',
      '2020Q1',
      '2020H2',
      '2020H2',
      '2023-09',
      '2023-09',
    ]);
    expect(readPeriod('第一季度')).toBeUndefined();
  });
});

describe('readDate()', () => {
  it('reads ISO, slashed and Chinese dates, and an Excel day number', () => {
    expect(['2020-04-17', '2020/4/17', '2020年4月17日', '43938'].map(readDate)).toEqual([
      '2020-04-17',
      '2020-04-17',
      '2020-04-17',
      '2020-04-17',
    ]);
  });

  it('refuses impossible dates and dates without a year', () => {
    expect(['2020-02-30', '4月17日', '12345'].map(readDate)).toEqual([undefined, undefined, undefined]);
  });
});
