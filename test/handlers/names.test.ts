import { describe, expect, it } from 'vitest';
import { SAMPLE_LINE } from '../support/sample.ts';
import { seededTranscript } from '../support/transcript.ts';

const seeded = seededTranscript();
/** The shipped notice is sample data: its mark is tested elsewhere; here only the answer. */
const lines = async (text: string) =>
  (await seeded.lines(text)).filter((l) => l !== SAMPLE_LINE).map((l) => l.replace(/^【示例数据】/, ''));

describe('region and unit names in /rate and /fail', () => {
  it('resolves a district written with its city (/rate 福州市鼓楼区)', async () => {
    const answer = await lines('/rate 福州市鼓楼区');
    expect(answer[0]).toBe('福州市 2020年第一季度检查情况');
    expect(answer[1]).toBe('本期通报未单列鼓楼区（福州市，350102），以下为福州市的数据。');
  });

  it('resolves a city written with its province (/fail 福建省福州市)', async () => {
    expect(await lines('/fail 福建省福州市')).toEqual([
      '福州市 2020年第一季度不合格名单',
      '福州市本期政府网站和政务新媒体均合格。',
    ]);
  });

  it('lists a responsible unit’s failures when /fail names the unit (/fail 福建省教育厅)', async () => {
    expect(await lines('/fail 福建省教育厅')).toEqual([
      '福建省教育厅 2020年第一季度不合格名单',
      '1. 【网站】福建省教育厅：栏目不更新（单项否决）',
    ]);
  });

  it('answers /rate for a unit with its region’s numbers, saying so', async () => {
    const answer = await lines('/rate 福建省教育厅');
    expect(answer[0]).toBe('省直部门 2020年第一季度检查情况');
    expect(answer[1]).toBe('福建省教育厅属于省直部门，以下为省直部门的检查情况。');
  });

  it('still suggests for a name that is neither region nor unit', async () => {
    expect(await lines('/rate 福州市鼓搂区')).toEqual([
      '未找到地区“福州市鼓搂区”',
      expect.stringContaining('您是不是要找'),
    ]);
  });
});
