import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHistoryWorld } from '../support/history-world.ts';

let world: Awaited<ReturnType<typeof openHistoryWorld>>;
beforeAll(async () => {
  world = await openHistoryWorld();
});
afterAll(() => world.cleanup());

describe('/trend', () => {
  it('lists both channels’ pass rates per round, oldest first, with the direction of each change', async () => {
    expect(await world.say('/trend 福州')).toBe(
      [
        '福州市 合格率走势',
        // The first round is the shipped sample: its row says so.
        '2020年第一季度（示例数据）　政府网站100.00%（不合格0/39）　政务新媒体100.00%（不合格0/303）',
        '2020年第二季度　政府网站97.50%↓（不合格1/40）　政务新媒体100.00%（不合格0/303）',
        '2020年第三季度　政府网站97.50%（不合格1/40）　政务新媒体100.00%（不合格0/303）',
        '政府网站：近3期由100.00%变为97.50%',
        '政务新媒体：近3期持平（100.00%）',
      ].join('\n'),
    );
  });

  it('answers for the notice’s scope without a region, and with the Chinese alias', async () => {
    expect((await world.say('走势')).split('\n')[0]).toBe('福建省 合格率走势');
  });

  it('offers close names for an unknown region', async () => {
    expect(await world.say('/trend 福洲')).toMatch(/^未找到地区“福洲”\n您是不是要找：福州市/);
  });
});
