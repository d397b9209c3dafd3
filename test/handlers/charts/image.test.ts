import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../../bot/config.ts';
import { Dataset } from '../../../data/dataset.ts';
import { buildChart, CHART_WIDTH, chartPng } from '../../../handlers/charts/build.ts';
import { IMAGE_MAX_BYTES } from '../../../bot/platforms/wecom/image.ts';
import { decodePng, pixelDifference, pngSize } from '../../support/png.ts';
import { openHistoryWorld } from '../../support/history-world.ts';
import { openSeededStore } from '../../support/seeded-store.ts';

let seeded: Awaited<ReturnType<typeof openSeededStore>>;
beforeAll(async () => {
  seeded = await openSeededStore();
});
afterAll(() => seeded.cleanup());

const FUJIAN = { kind: 'rank', regionId: '35', roundKey: '2020Q1@35' } as const;
/** Drawn by test/fixtures/charts/make.ts and looked at before it was committed. */
const STORED = path.join(repoRoot, 'test', 'fixtures', 'charts', 'rank-fujian-2020Q1.png');

describe('chartPng()', () => {
  it('draws 福建省’s ranking at twice the chart width, under WeCom’s 2 MB', () => {
    const data = seeded.store.dataset();
    const chart = buildChart(data, FUJIAN)!;
    const png = chartPng(data, chart);
    const size = pngSize(png);
    expect(size.width).toBe(CHART_WIDTH * 2);
    expect(size.height).toBe(chart.drawing.height * 2);
    expect(png.length).toBeLessThan(IMAGE_MAX_BYTES);
    expect(png.length).toBeGreaterThan(20_000); // text and bars, not a blank page
  });

  it('matches the stored picture within a small tolerance', async () => {
    const data = seeded.store.dataset();
    const now = decodePng(chartPng(data, buildChart(data, FUJIAN)!));
    const stored = decodePng(await readFile(STORED));
    expect(now.width).toBe(stored.width);
    expect(now.height).toBe(stored.height);
    expect(pixelDifference(now, stored)).toBeLessThan(0.005);
  });

  it('tells a different chart apart from the stored one', async () => {
    const data = seeded.store.dataset();
    const other = decodePng(chartPng(data, buildChart(data, { ...FUJIAN, highlight: '3501' })!));
    const stored = decodePng(await readFile(STORED));
    // The same size, but 福州's marked bar and the subtitle change pixels.
    expect(pixelDifference(other, stored)).toBeGreaterThan(0.0005);
  });

  it('gives the same bytes for the same data', () => {
    const data = seeded.store.dataset();
    const a = buildChart(data, FUJIAN)!;
    const b = buildChart(data, FUJIAN)!;
    expect(a.drawing.svg).toBe(b.drawing.svg);
    expect(a.drawing.svg).not.toMatch(/zr\d/);
    // A fresh read model (no caches shared) draws the same bytes.
    const again = new Dataset(data.register, data.rounds.map((v) => v.file));
    expect(chartPng(data, a).equals(chartPng(again, buildChart(again, FUJIAN)!))).toBe(true);
  });

  it('marks the shipped sample notice as 示例数据 and names the source', () => {
    const svg = buildChart(seeded.store.dataset(), FUJIAN)!.drawing.svg;
    expect(svg).toContain('示例数据');
    expect(svg).toContain('数据来源：福建省人民政府办公厅');
    expect(svg).toContain('不合格率（%）');
  });

  it('draws a trend with one point per round, not marked as sample when no round is', async () => {
    const world = await openHistoryWorld();
    try {
      const data = world.store.dataset();
      const last = data.rounds.at(-1)!.round.key;
      const chart = buildChart(data, { kind: 'trend', regionId: '3501', roundKey: last })!;
      expect(chart.trend?.map((r) => r.period)).toEqual(['2020Q1', '2020Q2', '2020Q3']);
      expect(chart.drawing.svg).toContain('2020年第三季度');
      expect(chart.drawing.svg).toContain('97.50%');
      expect(pngSize(chartPng(data, chart))).toEqual({ width: CHART_WIDTH * 2, height: 960 });
    } finally {
      await world.cleanup();
    }
  });

  it('is undefined for a round that is not stored', () => {
    expect(buildChart(seeded.store.dataset(), { ...FUJIAN, roundKey: '2031Q1@35' })).toBeUndefined();
  });
});
