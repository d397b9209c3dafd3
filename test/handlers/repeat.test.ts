import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHistoryWorld } from '../support/history-world.ts';
import { SAMPLE_LINE } from '../support/sample.ts';

let world: Awaited<ReturnType<typeof openHistoryWorld>>;
beforeAll(async () => {
  world = await openHistoryWorld();
});
afterAll(() => world.cleanup());

describe('/repeat', () => {
  it('lists items failing in consecutive rounds, longest streak first, with the round they started', async () => {
    expect(await world.say('/repeat')).toBe(
      [
        '福建省 2020年第三季度连续不合格名单',
        '1. 【网站】福建省教育厅：栏目不更新（连续3期，自2020年第一季度起）',
        '2. 【网站】福州市示例局网站：首页不更新（连续2期，自2020年第二季度起）',
      ].join('\n'),
    );
  });

  it('answers for an earlier round, counting only rounds up to it', async () => {
    expect(await world.say('/repeat 2020Q2')).toBe(
      [
        '福建省 2020年第二季度连续不合格名单',
        '1. 【网站】福建省教育厅：栏目不更新（连续2期，自2020年第一季度起）',
        '2. 【微信公众号】平潭政务：内容不更新（连续2期，自2020年第一季度起）',
      ].join('\n'),
    );
  });

  it('says there is nothing to compare with for the first round of a series', async () => {
    expect(await world.say('/repeat 2020Q1')).toBe(
      [
        '【示例数据】福建省 2020年第一季度连续不合格名单',
        SAMPLE_LINE,
        '本期之前没有同一系列的通报，无法判断是否连续不合格。',
      ].join('\n'),
    );
  });

  it('says so when a region has no repeated failures', async () => {
    expect(await world.say('/repeat 平潭')).toBe(
      [
        '平潭综合实验区 2020年第三季度连续不合格名单',
        '平潭综合实验区本期没有连续两期及以上不合格的网站和政务新媒体。',
      ].join('\n'),
    );
  });
});

describe('/fail', () => {
  it('says since when an item has been failing when it failed the round before too', async () => {
    expect(await world.say('/fail')).toBe(
      [
        '福建省 2020年第三季度不合格名单',
        '1. 【网站】福建省教育厅：栏目不更新（单项否决），自2020年第一季度起连续不合格',
        '2. 【网站】福州市示例局网站：首页不更新（单项否决），自2020年第二季度起连续不合格（责任单位：福州市示例局）',
      ].join('\n'),
    );
  });

  it('adds nothing for an item failing for the first time', async () => {
    expect(await world.say('/fail 2020Q1')).toContain('1. 【网站】福建省教育厅：栏目不更新（单项否决）\n');
  });
});
