import type { Dataset, RoundView } from '../../data/dataset.ts';
import { type Channel, channels, type Region } from '../../data/schema.ts';
import { chartText as ct } from '../chart-text.ts';
import { periodLabel } from '../format.ts';
import { channelName } from '../text.ts';
import { type ChartOption, type Drawing, drawSvg, rasterize } from './draw.ts';
import { FONT_FAMILY } from './font.ts';
import { isSample, type RankRow, rankRows, type TrendRow, trendRows } from './figures.ts';
import { type ChartRef, refKey } from './spec.ts';

/** A chart: what it shows (title, the numbers as rows for a table), and its drawing. */
export interface Chart {
  ref: ChartRef;
  title: string;
  sample: boolean;
  drawing: Drawing;
  /** Rank charts: the rows per channel drawn (worst first). */
  rank?: Partial<Record<Channel, { rows: RankRow[]; shown: RankRow[] }>>;
  /** Trend charts: the rounds drawn, oldest first. */
  trend?: TrendRow[];
  /** The source line under the picture. */
  source: string;
}

/** Bars drawn at most per channel; the worst are kept (a note says how many there are). */
export const MAX_BARS = 40;
export const CHART_WIDTH = 960;
const ROW_H = 26;
/** Characters of the source line that fit in CHART_WIDTH at 12px. */
const SOURCE_CHARS = 76;
const FAIL = '#c0392b';
const PASS = '#3a8f5c';
const MARK = '#e67e22';
const INK = '#222222';
const MUTED = '#666666';

const chartCache = new WeakMap<Dataset, Map<string, Chart | null>>();

/** buildChart, once per data set and ref (an answer, its link and its push draw the same chart). */
export function chartFor(data: Dataset, ref: ChartRef): Chart | undefined {
  let cache = chartCache.get(data);
  if (!cache) {
    cache = new Map();
    chartCache.set(data, cache);
  }
  const key = refKey(ref);
  let chart = cache.get(key);
  if (chart === undefined) {
    chart = buildChart(data, ref) ?? null;
    if (cache.size >= 64) cache.delete(cache.keys().next().value as string);
    cache.set(key, chart);
  }
  return chart ?? undefined;
}

/** Builds the chart a ref names from the data; undefined when the round or region is gone. */
export function buildChart(data: Dataset, ref: ChartRef): Chart | undefined {
  const view = data.rounds.find((v) => v.round.key === ref.roundKey);
  const region = data.regions.get(ref.regionId);
  if (!view || !region) return undefined;
  return ref.kind === 'rank' ? rankChart(data, view, region, ref) : trendChart(data, view, region, ref);
}

const pngCache = new WeakMap<Dataset, Map<string, Buffer>>();

/** The chart's PNG (2× for phones), cached per data set: a link fetched again costs nothing. */
export function chartPng(data: Dataset, chart: Chart): Buffer {
  let cache = pngCache.get(data);
  if (!cache) {
    cache = new Map();
    pngCache.set(data, cache);
  }
  const key = refKey(chart.ref);
  let png = cache.get(key);
  if (!png) {
    png = rasterize(chart.drawing, 2);
    if (cache.size >= 64) cache.delete(cache.keys().next().value as string);
    cache.set(key, png);
  }
  return png;
}

function rankChart(
  data: Dataset,
  view: RoundView,
  region: Region,
  ref: Extract<ChartRef, { kind: 'rank' }>,
): Chart | undefined {
  const chosen: readonly Channel[] = ref.channel ? [ref.channel] : channels;
  const rank: Chart['rank'] = {};
  for (const ch of chosen) {
    const rows = rankRows(data, view, region, ch);
    rank[ch] = { rows, shown: rows.slice(0, MAX_BARS) };
  }
  const drawn = chosen.filter((ch) => (rank[ch]?.rows.length ?? 0) > 0);
  if (drawn.length === 0) return undefined;
  const r = view.round;
  const title = ct.rankTitle(region.name, periodLabel(r.period), ref.channel);
  const sample = isSample(r);
  const source = ct.source(r.issuer, r.title, r.issuedOn);
  const n = Math.max(3, ...drawn.map((ch) => rank[ch]?.shown.length ?? 0));
  const top = 92;
  const bottom = 72;
  const height = top + n * ROW_H + bottom;
  const colW = CHART_WIDTH / drawn.length;
  const grids: ChartOption[] = [];
  const xAxes: ChartOption[] = [];
  const yAxes: ChartOption[] = [];
  const series: ChartOption[] = [];
  const heads: ChartOption[] = [];
  drawn.forEach((ch, i) => {
    const { rows, shown } = rank[ch] ?? { rows: [], shown: [] };
    grids.push({ left: i * colW + 8, top, width: colW - 8 - 150, height: shown.length * ROW_H, containLabel: true });
    xAxes.push({
      type: 'value',
      gridIndex: i,
      name: ct.failAxis,
      nameLocation: 'middle',
      nameGap: 24,
      min: 0,
      axisLabel: { color: MUTED },
      splitLine: { lineStyle: { color: '#e5e5e5' } },
    });
    yAxes.push({
      type: 'category',
      gridIndex: i,
      inverse: true,
      data: shown.map((row) => row.region.name),
      axisLabel: { color: INK, fontSize: 12 },
      axisTick: { show: false },
    });
    series.push({
      type: 'bar',
      name: channelName[ch],
      xAxisIndex: i,
      yAxisIndex: i,
      barMaxWidth: 18,
      data: shown.map((row) => ({
        value: round4(row.rate * 100),
        itemStyle: { color: row.region.id === ref.highlight ? MARK : row.failed > 0 ? FAIL : PASS },
      })),
      label: {
        show: true,
        position: 'right',
        color: INK,
        fontSize: 11,
        formatter: (p: { dataIndex: number }) => {
          const row = shown[p.dataIndex];
          return row ? ct.barLabel(row.failRate, row.failed, row.checked) + (row.summed ? ct.summed : '') : '';
        },
      },
    });
    const head = drawn.length > 1 || rows.length > shown.length ? channelName[ch] : '';
    const more = rows.length > shown.length ? `（${ct.shownTop(shown.length, rows.length)}）` : '';
    if (head || more)
      heads.push(text(i * colW + 12, top - 24, `${head}${more}`, 13, INK, 'bold'));
  });
  const highlightNote =
    ref.highlight && data.regions.get(ref.highlight) ? ct.highlighted(data.regions.get(ref.highlight)?.name ?? '') : '';
  const option: ChartOption = {
    textStyle: { fontFamily: FONT_FAMILY },
    title: { text: title, subtext: highlightNote, left: 12, top: 10, textStyle: { fontSize: 18, color: INK } },
    grid: grids,
    xAxis: xAxes,
    yAxis: yAxes,
    series,
    graphic: [...heads, ...footer(source, sample, height)],
  };
  const chart: Chart = { ref, title, sample, drawing: drawSvg(option, CHART_WIDTH, height), rank, source };
  return chart;
}

function trendChart(
  data: Dataset,
  view: RoundView,
  region: Region,
  ref: Extract<ChartRef, { kind: 'trend' }>,
): Chart | undefined {
  const rows = trendRows(data, view, region.id);
  if (rows.length === 0) return undefined;
  const title = ct.trendTitle(region.name);
  const sample = rows.some((r) => r.sample);
  const last = view.round;
  const source = rows.length > 1 ? ct.sourceMany(rows.length, last.issuer) : ct.source(last.issuer, last.title, last.issuedOn);
  const values = rows.flatMap((r) => channels.map((ch) => r[ch]?.value).filter((v): v is number => v !== undefined));
  const low = Math.max(0, Math.floor((Math.min(100, ...values) - 2) / 5) * 5);
  const height = 480;
  const colors: Record<Channel, string> = { website: '#2f6db5', newmedia: '#c0392b' };
  const option: ChartOption = {
    textStyle: { fontFamily: FONT_FAMILY },
    title: { text: title, left: 12, top: 10, textStyle: { fontSize: 18, color: INK } },
    legend: { top: 46, left: 'center', data: channels.map((ch) => ct.seriesPass(ch)), textStyle: { color: INK } },
    grid: { left: 16, right: 40, top: 90, bottom: 80, containLabel: true },
    xAxis: {
      type: 'category',
      data: rows.map((r) => periodLabel(r.period)),
      axisLabel: { color: INK },
      boundaryGap: rows.length === 1,
    },
    yAxis: {
      type: 'value',
      name: ct.passAxis,
      min: low,
      max: 100,
      axisLabel: { color: MUTED },
      nameTextStyle: { color: MUTED },
      splitLine: { lineStyle: { color: '#e5e5e5' } },
    },
    series: channels.map((ch) => ({
      type: 'line',
      name: ct.seriesPass(ch),
      color: colors[ch],
      symbolSize: 7,
      connectNulls: false,
      symbol: 'circle',
      // The higher of the two points of a round carries its label above, the lower below.
      data: rows.map((r) => {
        const mine = r[ch]?.value;
        if (mine === undefined) return '-';
        const other = r[ch === 'website' ? 'newmedia' : 'website']?.value;
        const above = other === undefined || mine > other || (mine === other && ch === 'website');
        return { value: round4(mine), label: { position: above ? 'top' : 'bottom' } };
      }),
      label: {
        show: true,
        color: colors[ch],
        fontSize: 11,
        formatter: (p: { dataIndex: number }) => rows[p.dataIndex]?.[ch]?.passRate ?? '',
      },
    })),
    graphic: footer(source, sample, height),
  };
  return { ref, title, sample, drawing: drawSvg(option, CHART_WIDTH, height), trend: rows, source };
}

/** The source line at the bottom and, for the shipped demo notice, a 示例数据 tag. */
function footer(source: string, sample: boolean, height: number): ChartOption[] {
  const line = sample ? `${ct.sampleLead}${source}` : source;
  // One line of 12px characters across the picture: a long notice title is shortened.
  const fitted = [...line].length > SOURCE_CHARS ? `${[...line].slice(0, SOURCE_CHARS - 1).join('')}…` : line;
  const out = [text(12, height - 24, fitted, 12, MUTED)];
  if (sample) {
    out.push({
      type: 'group',
      right: 16,
      top: 12,
      children: [
        { type: 'rect', shape: { x: 0, y: 0, width: 76, height: 26, r: 4 }, style: { fill: '#fdecea', stroke: FAIL } },
        { type: 'text', x: 38, y: 13, style: { text: ct.sample, fill: FAIL, fontSize: 14, fontFamily: FONT_FAMILY, align: 'center', verticalAlign: 'middle' } },
      ],
    });
  }
  return out;
}

function text(x: number, y: number, s: string, size: number, fill: string, weight = 'normal'): ChartOption {
  return { type: 'text', x, y, style: { text: s, fill, fontSize: size, fontWeight: weight, fontFamily: FONT_FAMILY } };
}

/** Bar and line heights: enough precision, and no float noise in the SVG. */
function round4(n: number): number {
  return Math.round(n * 10000) / 10000;
}
