import { describe, expect, it } from 'vitest';
import { comparePeriods, Dataset } from '../../data/dataset.ts';
import { fujianRegions } from '../../data/reference/fujian.ts';
import { type Failure, type RegisterFile, type RoundFile, SCHEMA_VERSION, type Tally } from '../../data/schema.ts';

const register: RegisterFile = {
  version: SCHEMA_VERSION,
  regions: fujianRegions(),
  units: [],
  sites: [],
  accounts: [],
};

function round(
  period: string,
  scope: string,
  tallies: Array<Omit<Tally, 'channel'> & Partial<Tally>>,
  failures: Failure[] = [],
): RoundFile {
  return {
    version: SCHEMA_VERSION,
    round: {
      key: `${period}@${scope}`,
      period,
      scopeRegionId: scope,
      title: `${period} 检查情况通报`,
      issuer: scope === '35' ? '福建省人民政府办公厅' : '福州市人民政府办公厅',
      source: { file: `${period}.txt`, sha256: '0'.repeat(64), kind: 'notice' },
      importedAt: '2020-04-14T01:00:00.000Z',
    },
    tallies: tallies.map((t) => ({ channel: 'website', ...t })),
    failures,
    mentions: [],
  };
}

function failure(regionId: string, subject: string): Failure {
  return {
    id: `${regionId}-${subject}`,
    channel: 'website',
    regionId,
    regionText: regionId,
    subject,
    problem: '栏目不更新',
    problemCode: 'stale-columns',
    veto: true,
  };
}

describe('comparePeriods()', () => {
  it('orders quarters, months and half-years by the month they end', () => {
    const periods = ['2020Q2', '2020-04', '2020Q1', '2019Q4', '2020-01', '2020H2', '2021-01'];
    expect([...periods].sort(comparePeriods)).toEqual([
      '2019Q4',
      '2020-01',
      '2020Q1',
      '2020-04',
      '2020Q2',
      '2020H2',
      '2021-01',
    ]);
  });

  it('puts the shorter period first when two end in the same month', () => {
    expect(['2020H1', '2020Q2', '2020-06'].sort(comparePeriods)).toEqual(['2020-06', '2020Q2', '2020H1']);
    expect(comparePeriods('2020-03', '2020Q1')).toBeLessThan(0);
    expect(comparePeriods('2020Q1', '2020Q1')).toBe(0);
  });
});

describe('Dataset.rounds', () => {
  it('lists rounds oldest first, whatever order the files came in', () => {
    const data = new Dataset(register, [
      round('2020Q2', '35', [{ regionId: '35', total: 1, checked: 1, failed: 0 }]),
      round('2019Q4', '35', [{ regionId: '35', total: 1, checked: 1, failed: 0 }]),
      round('2020Q1', '35', [{ regionId: '35', total: 1, checked: 1, failed: 0 }]),
    ]);
    expect(data.rounds.map((v) => v.round.period)).toEqual(['2019Q4', '2020Q1', '2020Q2']);
  });
});

describe('Dataset.tally()', () => {
  const data = new Dataset(register, [
    round('2020Q1', '35', [
      { regionId: '35', total: 100, checked: 90, failed: 3 },
      { regionId: '350102', total: 10, checked: 10, failed: 1 },
      { regionId: '350103', total: 5, checked: 4, failed: 0 },
      { regionId: '35-pt', total: 4, checked: 4, failed: 2 },
    ]),
  ]);
  const view = data.rounds[0]!;

  it('uses the region’s own row when the notice lists it', () => {
    expect(data.tally(view, '35', 'website')).toEqual({ total: 100, checked: 90, failed: 3, summed: false });
  });

  it('sums the children’s rows when the notice lists only them, and says so', () => {
    expect(data.tally(view, '3501', 'website')).toEqual({ total: 15, checked: 14, failed: 1, summed: true });
  });

  it('never counts 平潭 into 福州', () => {
    expect(data.tally(view, '3501', 'website')?.failed).toBe(1);
  });

  it('has no numbers for a region or channel the round does not cover', () => {
    expect(data.tally(view, '3502', 'website')).toBeUndefined();
    expect(data.tally(view, '35', 'newmedia')).toBeUndefined();
  });
});

describe('Dataset.failures()', () => {
  const data = new Dataset(register, [
    round(
      '2020Q1',
      '35',
      [{ regionId: '35', total: 3, checked: 3, failed: 3 }],
      [
        failure('350102', '鼓楼区政府网站'),
        failure('3501', '福州市某局网站'),
        failure('35-pt', '平潭某局网站'),
      ],
    ),
  ]);
  const view = data.rounds[0]!;
  const subjects = (regionId: string) => data.failures(view, regionId).map((f) => f.subject);

  it('covers the districts of a city', () => {
    expect(subjects('3501')).toEqual(['鼓楼区政府网站', '福州市某局网站']);
  });

  it('narrows to one district, and keeps 平潭 apart', () => {
    expect(subjects('350102')).toEqual(['鼓楼区政府网站']);
    expect(subjects('35-pt')).toEqual(['平潭某局网站']);
    expect(subjects('35')).toHaveLength(3);
  });
});

describe('Dataset.roundFor() and previousRound()', () => {
  const row = (regionId: string) => ({ regionId, total: 10, checked: 10, failed: 0 });
  const data = new Dataset(register, [
    round('2019Q4', '35', [row('35'), row('3501')]),
    round('2020Q1', '35', [row('35'), row('3501')]),
    round('2020-03', '3501', [row('3501'), row('350102')]),
    round('2020Q2', '35', [row('35'), row('3501')]),
  ]);
  const view = (period: string) => data.rounds.find((v) => v.round.period === period)!;

  it('finds the latest round reporting on a region, or the one for a given period', () => {
    expect(data.roundFor('3501')?.round.key).toBe('2020Q2@35');
    expect(data.roundFor('3501', '2020Q1')?.round.key).toBe('2020Q1@35');
    expect(data.roundFor('350102')?.round.key).toBe('2020-03@3501');
    expect(data.roundFor('3502')).toBeUndefined();
  });

  it('gives the previous round of the same series', () => {
    expect(data.previousRound(view('2020Q2'), '3501')?.round.key).toBe('2020Q1@35');
    expect(data.previousRound(view('2020Q1'), '35')?.round.key).toBe('2019Q4@35');
  });

  it('does not take a city’s monthly notice as the last quarter of a provincial one', () => {
    expect(data.previousRound(view('2020Q1'), '3501')?.round.key).toBe('2019Q4@35');
    expect(data.previousRound(view('2020-03'), '3501')).toBeUndefined();
  });

  it('has no previous round for the oldest one', () => {
    expect(data.previousRound(view('2019Q4'), '35')).toBeUndefined();
  });
});
