import { describe, expect, it } from 'vitest';
import { compareNearness, nearestRules, ruleNearness, worstLevel } from '../../../data/probe/nearness.ts';
import { siteStanding } from '../../../data/probe/standing.ts';
import { FileProbeStore } from '../../../data/probe/store.ts';
import type { Site } from '../../../data/schema.ts';
import { reading, week } from '../../support/probe-world.ts';

const now = new Date('2024-05-15T10:00:00+08:00');
const site: Site = { id: 's', name: '某网站', url: 'http://a.example.gov.cn/', regionId: '3501', kind: 'portal' };

function standing(fill: (p: FileProbeStore) => void) {
  const probes = FileProbeStore.memory();
  fill(probes);
  return siteStanding(probes, site, now, 24);
}

describe('ruleNearness()', () => {
  it('measures each rule from 0 to its veto at 1', () => {
    const s = standing((p) => {
      week(p, 's', now, 5);
      p.setReading(
        's',
        reading(now, 7, [
          ['政务动态', 'news', 7],
          ['通知公告', 'notice', 200],
          ['图片新闻', 'news', 20],
          ['专题', 'other', 'blank'],
          ['人事', 'other', 'blank'],
        ]),
      );
    });
    expect(Object.fromEntries(ruleNearness(s).map((r) => [r.rule, [r.level, Number(r.nearness.toFixed(3))]]))).toEqual({
      // 5 failures of the 9 that trip a 168-try week
      unreachable: ['warn', 0.556],
      // 7 of 14 days
      'homepage-stale': ['ok', 0.5],
      // 2 stale of 5
      'columns-stale': ['ok', 0.4],
      // 2 blank of 5
      'columns-blank': ['ok', 0.4],
    });
  });

  it('counts a column about to go stale as the share of its period gone', () => {
    const s = standing((p) => p.setReading('s', reading(now, 1, [['政务动态', 'news', 12], ['通知公告', 'notice', 200]])));
    const columns = ruleNearness(s).find((r) => r.rule === 'columns-stale')!;
    expect(columns.level).toBe('warn');
    expect(columns.nearness).toBeCloseTo((1 + 12 / 14) / 5, 5);
  });

  it('puts a tripped veto past 1 and first, whatever the others', () => {
    const s = standing((p) => {
      week(p, 's', now, 0);
      p.setReading('s', reading(now, 20));
    });
    const [first] = nearestRules(s);
    expect(first).toMatchObject({ rule: 'homepage-stale', level: 'veto' });
    expect(first!.nearness).toBeGreaterThan(1);
    expect(worstLevel(nearestRules(s))).toBe('veto');
  });
});

describe('compareNearness()', () => {
  it('orders vetoes before warnings before the rest, then by nearness', () => {
    const list = [
      { rule: 'columns-blank' as const, level: 'ok' as const, nearness: 0.8 },
      { rule: 'unreachable' as const, level: 'warn' as const, nearness: 0.3 },
      { rule: 'homepage-stale' as const, level: 'veto' as const, nearness: 1 },
      { rule: 'columns-stale' as const, level: 'warn' as const, nearness: 0.6 },
    ];
    expect(list.sort(compareNearness).map((r) => r.rule)).toEqual([
      'homepage-stale',
      'columns-stale',
      'unreachable',
      'columns-blank',
    ]);
  });
});
