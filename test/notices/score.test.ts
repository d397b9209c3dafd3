import { describe, expect, it } from 'vitest';
import type { Facts } from './facts.ts';
import {
  platformKey,
  regionKey,
  sameRate,
  sameRegion,
  sameText,
  scoreCorpus,
  scoreNotice,
  textKey,
} from './score.ts';

const expected: Facts = {
  title: '江西省人民政府办公厅关于2022年第三季度全省政府网站与政务新媒体检查情况的通报',
  period: '2022Q3',
  issuer: '江西省',
  channels: {
    website: { total: 552, checked: 552, failed: 29, passRate: 94.75 },
    newMedia: { checked: 1213, passRate: 96.95 },
  },
  regions: [{ region: '南昌市', channel: 'website', checked: 40, failed: 0, passRate: 100 }],
  failures: [
    { channel: 'newMedia', name: '黔东南州自然资源局', platform: '政务微博' },
    { channel: 'newMedia', name: '黔东南州自然资源局', platform: '政务微信' },
    { channel: 'website', name: '澄迈县人民政府网站', region: '澄迈县', problem: '栏目不更新' },
  ],
  mentions: ['江西医疗保障'],
  deadline: { date: '2022-10-20', time: '12:00' },
};
// title, period, issuer 3 + website 4 + newMedia 2 + region 3 + failures (2+2+3) + mention 1 + deadline 2
const STATED = 22;

/** What a perfect importer would produce: the same facts, written its own way. */
const perfect: Facts = {
  title: '江西省人民政府办公厅关于2022年第三季度全省政府网站与政务新媒体检查情况的通报 ',
  period: '2022Q3',
  issuer: '江西',
  channels: {
    website: { total: 552, checked: 552, failed: 29, passRate: (523 / 552) * 100 },
    newMedia: { total: 1213, checked: 1213, failed: 37, passRate: 96.95 },
  },
  regions: [
    { region: '九江市', channel: 'website', checked: 30, failed: 1, passRate: 96.67 },
    { region: '南昌', channel: 'website', checked: 40, failed: 0, passRate: 100 },
  ],
  failures: [
    { channel: 'newMedia', name: '黔东南州自然资源局', platform: '微信公众号' },
    { channel: 'newMedia', name: '黔东南州自然资源局', platform: '新浪微博' },
    {
      channel: 'website',
      name: '“澄迈县人民政府网站”',
      region: '澄迈',
      problem: '栏目不更新（单项否决）',
    },
  ],
  mentions: ['江西医疗保障'],
  deadline: { date: '2022-10-20', time: '12:00' },
};

describe('scoreNotice()', () => {
  it('counts every stated field as one fact and matches a perfect import in full', () => {
    const s = scoreNotice('jx', expected, { facts: perfect });
    expect(s.misses).toEqual([]);
    expect(s).toMatchObject({ stated: STATED, matched: STATED, spurious: 0, score: 1 });
  });

  it('ignores counts and regions the notice does not state', () => {
    const s = scoreNotice('jx', { period: '2022Q3' }, { facts: { ...perfect, failures: [] } });
    expect(s).toMatchObject({ stated: 1, matched: 1, score: 1 });
  });

  it('names each wrong scalar with what was expected and what came', () => {
    const wrong: Facts = {
      ...perfect,
      period: '2022Q4',
      channels: { ...perfect.channels, website: { total: 552, checked: 552, failed: 28 } },
    };
    const s = scoreNotice('jx', expected, { facts: wrong });
    expect(s.misses).toEqual([
      'period: expected "2022Q3", got "2022Q4"',
      'channels.website.failed: expected 29, got 28',
      'channels.website.passRate: expected 94.75, got nothing',
    ]);
    expect(s.matched).toBe(STATED - 3);
    expect(s.score).toBeCloseTo((STATED - 3) / STATED);
  });

  it('misses every field of a region row the import lacks', () => {
    const s = scoreNotice('jx', expected, { facts: { ...perfect, regions: [] } });
    expect(s.misses).toEqual([
      'regions[南昌市 website].checked: expected 40, got nothing',
      'regions[南昌市 website].failed: expected 0, got nothing',
      'regions[南昌市 website].passRate: expected 100, got nothing',
    ]);
  });

  it('misses a failure not found together with its stated platform, region and problem', () => {
    const facts = { ...perfect, failures: perfect.failures?.slice(0, 2) };
    const s = scoreNotice('jx', expected, { facts });
    expect(s.misses).toEqual(['failure website 澄迈县人民政府网站: not found (nor its region, problem)']);
    expect(s.matched).toBe(STATED - 3);
  });

  it('pairs two accounts of one name by their platform', () => {
    const swapped = {
      ...perfect,
      failures: [perfect.failures?.[1], perfect.failures?.[0], perfect.failures?.[2]],
    };
    const s = scoreNotice('jx', expected, { facts: swapped as Facts });
    expect(s.misses).toEqual([]);
  });

  it('counts a mention read as a failure as a miss of the mention, not also as spurious', () => {
    const facts: Facts = {
      ...perfect,
      mentions: [],
      failures: [...(perfect.failures ?? []), { channel: 'newMedia', name: '江西医疗保障' }],
    };
    const s = scoreNotice('jx', expected, { facts });
    expect(s.misses).toEqual(['mention 江西医疗保障: read as a failure']);
    expect(s).toMatchObject({ stated: STATED, matched: STATED - 1, spurious: 0 });
  });

  it('counts a failure the text does not name as spurious, lowering the score', () => {
    const facts: Facts = {
      ...perfect,
      failures: [...(perfect.failures ?? []), { channel: 'website', name: '一、总体情况', platform: '微信' }],
    };
    const s = scoreNotice('jx', expected, { facts });
    expect(s.misses).toEqual(['spurious failure: website 一、总体情况 (微信)']);
    expect(s).toMatchObject({ stated: STATED, matched: STATED, spurious: 1 });
    expect(s.score).toBeCloseTo(STATED / (STATED + 1));
  });

  it('scores a refusal zero, with the refusal first among the misses', () => {
    const s = scoreNotice('jx', expected, { refused: '第3行：没有找到检查结果' });
    expect(s).toMatchObject({ stated: STATED, matched: 0, score: 0, refused: '第3行：没有找到检查结果' });
    expect(s.misses).toEqual(['refused: 第3行：没有找到检查结果', `all ${STATED} stated facts missed`]);
  });

  it('scores a deadline without its time when the notice gives none', () => {
    const s = scoreNotice(
      'd',
      { deadline: { date: '2023-10-17' } },
      { facts: { deadline: { date: '2023-10-17' } } },
    );
    expect(s).toMatchObject({ stated: 1, matched: 1 });
    const late = scoreNotice('d', { deadline: { date: '2023-10-17', time: '17:00' } }, { facts: {} });
    expect(late.misses).toEqual([
      'deadline.date: expected "2023-10-17", got nothing',
      'deadline.time: expected "17:00", got nothing',
    ]);
  });
});

describe('scoreCorpus()', () => {
  it('weighs every fact the same across notices, spurious ones included', () => {
    const a = scoreNotice('a', expected, { facts: perfect });
    const b = scoreNotice('b', { period: '2021Q1', issuer: '海南省' }, { refused: 'x' });
    const c = scoreNotice(
      'c',
      { period: '2021Q1' },
      { facts: { period: '2021Q1', failures: [{ channel: 'website', name: 'x' }] } },
    );
    const total = scoreCorpus([a, b, c]);
    expect(total).toMatchObject({ stated: STATED + 3, matched: STATED + 1, spurious: 1 });
    expect(total.score).toBeCloseTo((STATED + 1) / (STATED + 4));
  });

  it('is a full score for an empty corpus rather than a division by zero', () => {
    expect(scoreCorpus([]).score).toBe(1);
  });
});

describe('sameRate()', () => {
  it('accepts the exact rate rounded or truncated to the printed digits', () => {
    expect(sameRate(99.8, (3851 / 3857) * 100)).toBe(true); // 99.844 rounds to 99.8
    expect(sameRate(94, (48 / 51) * 100)).toBe(true); // 94.12 printed as 94
    expect(sameRate(95.77, (566 / 591) * 100)).toBe(true); // 95.769
    expect(sameRate(92.5, (114 / 122) * 100)).toBe(false); // 93.44
    expect(sameRate(100, 99.9)).toBe(true); // a notice printing 100 for 99.9 (rounded)
    expect(sameRate(100, 99.4)).toBe(false);
  });

  it('rejects a missing or non-finite rate', () => {
    expect(sameRate(100, undefined)).toBe(false);
    expect(sameRate(100, Number.NaN)).toBe(false);
  });
});

describe('sameRegion()', () => {
  it('matches full names with their short forms', () => {
    expect(sameRegion('黔东南苗族侗族自治州', '黔东南州')).toBe(true);
    expect(sameRegion('湘西土家族苗族自治州', '湘西自治州')).toBe(true);
    expect(sameRegion('长沙市', '长沙')).toBe(true);
    expect(sameRegion('江西省', '江西')).toBe(true);
    expect(sameRegion('湖南湘江新区', '湘江新区')).toBe(false);
  });

  it('keeps different places apart', () => {
    expect(sameRegion('张家界市', '张家口市')).toBe(false);
    expect(sameRegion('海南省', '河南省')).toBe(false);
    expect(sameRegion('南昌市', undefined)).toBe(false);
  });

  it('strips only the level, never a whole short name', () => {
    expect(regionKey('县')).toBe('县');
    expect(regionKey('睢阳区')).toBe('睢阳');
    expect(regionKey('甘孜藏族自治州')).toBe('甘孜藏族');
  });
});

describe('textKey()', () => {
  it('reads a traditional-character copy as the same name', () => {
    expect(textKey('“濮陽知識產權”')).toBe(textKey('濮阳知识产权'));
    expect(sameRegion('襄陽', '襄阳市')).toBe(true);
    expect(sameText('湖北省人民政府辦公廳關於', '湖北省人民政府办公厅关于')).toBe(true);
  });

  it('ignores width, spacing and a page bullet before a title, but keeps everything else', () => {
    expect(textKey('徐圩警方 (新浪微博)')).toBe('徐圩警方(新浪微博)');
    expect(sameText('福建省人民政府办公厅关于…的通报', '●福建省人民政府办公厅关于…的通报')).toBe(true);
    expect(sameText('福建省人民政府办公厅关于…的通报', '关于…的通报')).toBe(false);
    expect(textKey('美连丨治污攻坚')).not.toBe(textKey('美连治污攻坚'));
  });
});

describe('platformKey()', () => {
  it('groups the ways notices write one platform', () => {
    expect(platformKey('政务微信')).toBe(platformKey('微信公众号'));
    expect(platformKey('新浪微博')).toBe(platformKey('政务微博'));
    expect(platformKey('微信视频号')).not.toBe(platformKey('微信'));
    expect(platformKey('今日头条')).toBe('toutiao');
  });
});
