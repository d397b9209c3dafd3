import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../bot/logger.ts';
import { answer, type PipelineDeps } from '../../bot/pipeline.ts';
import { chartFor } from '../../handlers/charts/build.ts';
import { replyToText } from '../../handlers/reply.ts';
import { openHistoryWorld } from '../support/history-world.ts';
import { openSeededStore } from '../support/seeded-store.ts';

let seeded: Awaited<ReturnType<typeof openSeededStore>>;
let deps: PipelineDeps;
beforeAll(async () => {
  seeded = await openSeededStore();
  deps = { store: seeded.store, log: silentLogger, now: () => new Date('2020-04-14T10:00:00+08:00') };
});
afterAll(() => seeded.cleanup());

const ask = (text: string) => answer(deps, text, { platform: 'cli' });

describe('/chart [地区] [网站|新媒体] [期次]', () => {
  it('names a ranking of 福建省’s regions this round, with its text alternative', async () => {
    const r = await ask('/chart 福建');
    expect(r.chart).toEqual({ kind: 'rank', regionId: '35', roundKey: '2020Q1@35' });
    expect(r.title).toBe('【示例数据】福建省 2020年第一季度各地区不合格率');
    const text = replyToText(r);
    expect(text).toContain('政府网站：11个地区，不合格率最高为省直部门 4.00%（2/50）');
    expect(text).toContain('政务新媒体：11个地区，不合格率最高为平潭综合实验区 4.55%（1/22）');
    expect(text).toContain('示例数据');
  });

  it('draws every region with the numbers /rate gives for it', async () => {
    const r = await ask('/chart 福建');
    const drawn = chartFor(seeded.store.dataset(), r.chart!)!;
    for (const ch of ['website', 'newmedia'] as const) {
      const rows = drawn.rank?.[ch]?.rows ?? [];
      expect(rows.length).toBe(11);
      for (const row of rows) {
        const rate = replyToText(await ask(`/rate ${row.region.name}`));
        const name = ch === 'website' ? '政府网站' : '政务新媒体';
        expect(rate).toContain(
          `${name}：运行${row.total}个，检查${row.checked}个，不合格${row.failed}个；合格率${row.passRate}，不合格率${row.failRate}`,
        );
        // The bar's label in the picture is the same text.
        expect(drawn.drawing.svg).toContain(`${row.failRate}（${row.failed}/${row.checked}）`);
        expect(drawn.drawing.svg).toContain(`>${row.region.name}<`);
      }
    }
  });

  it('ranks in /rank’s order', async () => {
    const r = await ask('/chart 网站 福建');
    expect(r.chart).toEqual({ kind: 'rank', regionId: '35', roundKey: '2020Q1@35', channel: 'website' });
    const drawn = chartFor(seeded.store.dataset(), r.chart!)!;
    const rank = replyToText(await ask('/rank 网站 福建'));
    expect(rank).toContain('1. 省直部门　不合格率4.00%（2/50）');
    expect(drawn.rank?.website?.rows[0]?.region.name).toBe('省直部门');
    expect(drawn.rank?.newmedia).toBeUndefined();
  });

  it('shows a region without ranked sub-regions in the ranking above it, marked', async () => {
    const r = await ask('/chart 鼓楼');
    expect(r.chart).toMatchObject({ kind: 'rank', regionId: '35', highlight: '3501' });
    expect(replyToText(r)).toContain('福州市所在上级地区的排名');
  });

  it('answers an unknown region with suggestions and no chart', async () => {
    const r = await ask('/chart 福洲');
    expect(r.chart).toBeUndefined();
    expect(replyToText(r)).toContain('福州市');
  });

  it('is listed by /help', async () => {
    expect(replyToText(await ask('/help'))).toContain('/chart [地区] [网站|新媒体] [期次]');
    expect(replyToText(await ask('/help chart'))).toContain('/chart trend [地区]');
  });
});

describe('/chart trend [地区]', () => {
  it('names the pass-rate trend across rounds, the same figures as /trend', async () => {
    const world = await openHistoryWorld();
    try {
      const text = await world.say('/chart trend 福州');
      const trend = await world.say('/trend 福州');
      expect(text).toContain('福州市 合格率走势');
      for (const [period, rate] of [
        ['2020年第一季度', '100.00%'],
        ['2020年第二季度', '97.50%'],
        ['2020年第三季度', '97.50%'],
      ] as const) {
        expect(text).toContain(`${period}　政府网站${rate}`);
        expect(trend).toContain(period);
        expect(trend).toContain(rate);
      }
    } finally {
      await world.cleanup();
    }
  });
});
