import { describe, expect, it } from 'vitest';
import { ageInDays, datesIn, pubDateMeta } from '../../../data/probe/dates.ts';

const now = new Date('2024-05-10T09:00:00+08:00');

describe('datesIn()', () => {
  it('reads every written form of a date', () => {
    expect(datesIn('2024-05-01', now)).toEqual(['2024-05-01']);
    expect(datesIn('2024/05/01', now)).toEqual(['2024-05-01']);
    expect(datesIn('2024.05.01', now)).toEqual(['2024-05-01']);
    expect(datesIn('发布时间：2024年5月1日', now)).toEqual(['2024-05-01']);
    expect(datesIn('2024-5-1 10:30', now)).toEqual(['2024-05-01']);
  });
  it('infers the year of [05-01] from the day it is read, never in the future', () => {
    expect(datesIn('[05-01]', now)).toEqual(['2024-05-01']);
    expect(datesIn('[12-28]', now)).toEqual(['2023-12-28']);
    expect(datesIn('【05-11】', now)).toEqual(['2024-05-11']); // one day ahead is tolerated
  });
  it('ignores impossible dates, far-future dates and numbers that are not dates', () => {
    expect(datesIn('2024-02-30', now)).toEqual([]);
    expect(datesIn('2025-01-01', now)).toEqual([]);
    expect(datesIn('闽政〔2024〕12号', now)).toEqual([]);
    expect(datesIn('电话 0591-87654321', now)).toEqual([]);
  });
});

describe('pubDateMeta()', () => {
  it('reads the PubDate meta of an article page', () => {
    expect(pubDateMeta('<meta name="PubDate" content="2024-04-28 16:05">', now)).toBe('2024-04-28');
    expect(pubDateMeta('<meta content="2024/04/28" name="pubdate" />', now)).toBe('2024-04-28');
    expect(pubDateMeta('<meta name="keywords" content="2024-04-28">', now)).toBeUndefined();
  });
});

describe('ageInDays()', () => {
  it('counts Shanghai calendar days', () => {
    expect(ageInDays('2024-05-10', now)).toBe(0);
    expect(ageInDays('2024-04-26', now)).toBe(14);
    expect(ageInDays('2024-05-09', new Date('2024-05-09T23:59:00+08:00'))).toBe(0);
  });
});
