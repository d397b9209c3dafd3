import { describe, expect, it } from 'vitest';
import { SAMPLE_LINE } from '../support/sample.ts';
import { seededTranscript, transcript } from '../support/transcript.ts';
import { otherRound, setTally } from '../support/rounds.ts';
import { openSeededStore } from '../support/seeded-store.ts';

const { lines } = seededTranscript();

describe('/rank', () => {
  it('lists the regions with failures, worst first, per channel, and sums up the 0% rest in one line', async () => {
    expect(await lines('/rank')).toEqual([
      '【示例数据】福建省 2020年第一季度各地区不合格率排名',
      SAMPLE_LINE,
      '【政府网站】',
      '1. 省直部门　不合格率4.00%（2/50）',
      '其余10个地区不合格率为0。',
      '【政务新媒体】',
      '1. 平潭综合实验区　不合格率4.55%（1/22）',
      '其余10个地区不合格率为0。',
    ]);
  });

  it('ranks one channel when asked, in Chinese or English', async () => {
    const websites = [
      '【示例数据】福建省 2020年第一季度各地区政府网站不合格率排名',
      SAMPLE_LINE,
      '1. 省直部门　不合格率4.00%（2/50）',
      '其余10个地区不合格率为0。',
    ];
    expect(await lines('/rank 网站')).toEqual(websites);
    expect(await lines('/rank website 2020Q1')).toEqual(websites);
    expect(await lines('/rank 新媒体')).toEqual([
      '【示例数据】福建省 2020年第一季度各地区政务新媒体不合格率排名',
      SAMPLE_LINE,
      '1. 平潭综合实验区　不合格率4.55%（1/22）',
      '其余10个地区不合格率为0。',
    ]);
  });

  it('gives tied regions the same place', async () => {
    const { store: s, cleanup: c } = await openSeededStore();
    try {
      await s.applyImport(
        otherRound(s.dataset().rounds[0]!.file, '2020Q2', (f) => {
          setTally(f, '3501', 'website', { total: 50, checked: 50, failed: 2 });
          setTally(f, '3502', 'website', { total: 52, checked: 52, failed: 1 });
        }),
        new Date('2020-07-14T09:00:00+08:00'),
      );
      expect(await transcript(s).lines('/rank 网站')).toEqual([
        '福建省 2020年第二季度各地区政府网站不合格率排名',
        '1. 福州市　不合格率4.00%（2/50）',
        '1. 省直部门　不合格率4.00%（2/50）',
        '3. 厦门市　不合格率1.92%（1/52）',
        '其余8个地区不合格率为0。',
      ]);
    } finally {
      await c();
    }
  });

  it('lists every region when none failed: there is no rest to sum up', async () => {
    const { store: s, cleanup: c } = await openSeededStore();
    try {
      await s.applyImport(
        otherRound(s.dataset().rounds[0]!.file, '2020Q2', (f) =>
          setTally(f, '35-sz', 'website', { failed: 0 }),
        ),
        new Date('2020-07-14T09:00:00+08:00'),
      );
      const reply = await transcript(s).lines('/rank 网站');
      expect(reply).toHaveLength(12);
      expect(reply[1]).toBe('1. 福州市　不合格率0.00%（0/39）');
      expect(reply.every((line) => !line.startsWith('其余'))).toBe(true);
    } finally {
      await c();
    }
  });

  it('says there is nothing to rank when the notice lists no region below the scope', async () => {
    expect(await lines('/rank 网站 福州')).toEqual([
      '【示例数据】福州市 2020年第一季度各地区政府网站不合格率排名',
      SAMPLE_LINE,
      '本期没有可排名的地区数据。',
    ]);
  });
});
