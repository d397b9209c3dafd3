import { describe, expect, it } from 'vitest';
import { SAMPLE_LINE } from '../support/sample.ts';
import { seededTranscript } from '../support/transcript.ts';

const { lines } = seededTranscript();

describe('/fail', () => {
  it('lists the three failed items of the province, websites first, with problem, veto and unit', async () => {
    expect(await lines('/fail')).toEqual([
      '【示例数据】福建省 2020年第一季度不合格名单',
      SAMPLE_LINE,
      '1. 【网站】福建省教育厅：栏目不更新（单项否决）',
      '2. 【网站】福建省民政厅：栏目不更新（单项否决）',
      '3. 【微信公众号】平潭政务：内容不更新（单项否决）（责任单位：平潭综合实验区管委会）',
    ]);
  });

  it('says a region without failures passed everything', async () => {
    expect(await lines('/fail 福州')).toEqual([
      '【示例数据】福州市 2020年第一季度不合格名单',
      SAMPLE_LINE,
      '福州市本期政府网站和政务新媒体均合格。',
    ]);
  });

  it('narrows to a region: 平潭 has only its account, 省直 only the two websites', async () => {
    expect(await lines('/fail 平潭')).toEqual([
      '【示例数据】平潭综合实验区 2020年第一季度不合格名单',
      SAMPLE_LINE,
      '1. 【微信公众号】平潭政务：内容不更新（单项否决）（责任单位：平潭综合实验区管委会）',
    ]);
    expect((await lines('/fail 省直')).slice(2)).toEqual([
      '1. 【网站】福建省教育厅：栏目不更新（单项否决）',
      '2. 【网站】福建省民政厅：栏目不更新（单项否决）',
    ]);
  });

  it('works with its Chinese alias and suggests a region for a typo', async () => {
    expect((await lines('不合格 平潭'))[0]).toBe('【示例数据】平潭综合实验区 2020年第一季度不合格名单');
    expect((await lines('/fail 平谭'))[1]).toMatch(/^您是不是要找：平潭综合实验区/);
  });
});
