import { describe, expect, it } from 'vitest';
import { addDays } from '../../../data/deadlines/time.ts';
import {
  blankStanding,
  type ColumnReading,
  columnsStanding,
  homepageStanding,
  kindFromName,
} from '../../../data/probe/freshness.ts';

const now = new Date('2024-05-15T09:00:00+08:00');
const daysAgo = (n: number) => addDays('2024-05-15', -n);
const col = (name: string, age: number | undefined, extra: Partial<ColumnReading> = {}): ColumnReading => ({
  name,
  kind: kindFromName(name),
  read: { blank: false, items: 10, newest: age === undefined ? undefined : daysAgo(age) },
  ...extra,
});
const blank = (name: string): ColumnReading => ({
  name,
  kind: kindFromName(name),
  read: { blank: true, items: 0 },
});

describe('kindFromName()', () => {
  it('takes the kind from the column name', () => {
    expect(kindFromName('工作动态')).toBe('news');
    expect(kindFromName('要闻')).toBe('news');
    expect(kindFromName('通知公告')).toBe('notice');
    expect(kindFromName('政策文件')).toBe('notice');
    expect(kindFromName('机构职能')).toBe('other');
  });
});

describe('homepageStanding()', () => {
  it('trips at 14 days without a new item, warns from day 10', () => {
    expect(homepageStanding({ newest: daysAgo(14) }, now).level).toBe('veto');
    expect(homepageStanding({ newest: daysAgo(13) }, now)).toMatchObject({
      level: 'warn',
      age: 13,
      daysLeft: 1,
    });
    expect(homepageStanding({ newest: daysAgo(10) }, now).level).toBe('warn');
    expect(homepageStanding({ newest: daysAgo(9) }, now).level).toBe('ok');
  });
  it('counts a homepage whose items carry no date as not updated', () => {
    expect(homepageStanding({ newest: undefined }, now).level).toBe('veto');
  });
  it('says unknown when the homepage was not read', () => {
    expect(homepageStanding(undefined, now).level).toBe('unknown');
  });
  it('judges a navigation homepage (no dated item) by the newest item of its second-level pages', () => {
    const columns = [col('工作动态', 11), col('通知公告', 40)];
    expect(homepageStanding({ newest: undefined }, now, columns)).toMatchObject({
      level: 'warn',
      newest: daysAgo(11),
      age: 11,
      via: 'columns',
    });
    expect(homepageStanding({ newest: undefined }, now, [col('工作动态', 15)]).level).toBe('veto');
  });
  it('keeps a dated homepage on its own items, whatever its columns say', () => {
    expect(homepageStanding({ newest: daysAgo(2) }, now, [col('工作动态', 30)])).toMatchObject({
      level: 'ok',
      age: 2,
    });
    expect(homepageStanding({ newest: daysAgo(2) }, now, [col('工作动态', 30)]).via).toBeUndefined();
  });
  it('counts a navigation homepage whose columns are blank or undated as not updated', () => {
    expect(homepageStanding({ newest: undefined }, now, [col('工作动态', undefined)]).level).toBe('veto');
  });
});

describe('columnsStanding()', () => {
  it('trips with 5 stale columns: 动态 at 14 days and 通知公告 at 183', () => {
    const cols = [
      col('工作动态', 14),
      col('要闻', 20),
      col('部门动态', undefined),
      col('通知公告', 183),
      col('政策文件', 200),
    ];
    const s = columnsStanding(cols, now);
    expect(s).toMatchObject({ level: 'veto', stale: 5 });
  });
  it('does not trip at 4 stale columns, and a 通知公告 at 182 days is not stale', () => {
    const cols = [
      col('工作动态', 14),
      col('要闻', 20),
      col('部门动态', 30),
      col('通知公告', 182),
      col('政策文件', 200),
    ];
    const s = columnsStanding(cols, now);
    expect(s).toMatchObject({ level: 'warn', stale: 4 });
  });
  it('warns for a 动态 column at 10 days, with the days left', () => {
    const s = columnsStanding([col('工作动态', 10), col('通知公告', 3)], now);
    expect(s.level).toBe('warn');
    expect(s.columns[0]).toMatchObject({ state: 'nearing', age: 10, daysLeft: 4 });
    expect(columnsStanding([col('工作动态', 9)], now).level).toBe('ok');
  });
  it('uses an overridden kind and period over the name', () => {
    const s = columnsStanding([col('领导活动', 40, { kind: 'other', periodDays: 30 })], now);
    expect(s.columns[0]!.state).toBe('stale');
    expect(s.stale).toBe(0);
    expect(s.longStale).toBe(1);
  });
  it('trips with 10 long-stale columns of their own periods', () => {
    const cols = Array.from({ length: 10 }, (_, i) =>
      col(`专题${i}`, 100, { kind: 'other', periodDays: 90 }),
    );
    expect(columnsStanding(cols, now).level).toBe('veto');
  });
  it('leaves an unread column out of the counts', () => {
    const s = columnsStanding([{ name: '工作动态', kind: 'news', unreadable: 'robots' }], now);
    expect(s.stale).toBe(0);
    expect(s.columns[0]!.state).toBe('unread');
  });
});

describe('blankStanding()', () => {
  it('trips at 5 blank columns and warns from 3', () => {
    const five = ['a', 'b', 'c', 'd', 'e'].map((n) => blank(`栏目${n}`));
    expect(blankStanding(five, now)).toMatchObject({ level: 'veto', blank: 5 });
    expect(blankStanding(five.slice(0, 4), now).level).toBe('warn');
    expect(blankStanding(five.slice(0, 3), now).level).toBe('warn');
    expect(blankStanding(five.slice(0, 2), now).level).toBe('ok');
  });
});
