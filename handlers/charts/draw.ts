import { createHash } from 'node:crypto';
import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import { chartFont } from './font.ts';
import { subsetFile } from './subset.ts';

/**
 * ECharts rendered on the server to SVG (no DOM, no animation), and SVG rasterized to PNG with
 * resvg. The output depends only on the option: ECharts' per-instance ids (`zr3-…`) are replaced
 * by a hash of the picture, so the same data gives the same bytes, and two charts inlined in one
 * page never share a CSS class.
 */

export interface Drawing {
  svg: string;
  width: number;
  height: number;
}

// biome-ignore lint/suspicious/noExplicitAny: ECharts' option type is a deep union; the builders type their parts.
export type ChartOption = Record<string, any>;

export function drawSvg(option: ChartOption, width: number, height: number): Drawing {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, ...option });
    const raw = chart.renderToSVGString();
    // ECharts numbers instances (zr3-…) and style classes (cls-17) with process-wide counters:
    // renumber both by first appearance so that only the picture decides the text.
    const seen = new Map<string, Map<string, number>>();
    const plain = raw
      .replace(/zr\d+-/g, 'zr-')
      .replace(/zr-([a-z]+-?)(\d+)/g, (_m, kind: string, n: string) => {
        let numbers = seen.get(kind);
        if (!numbers) {
          numbers = new Map();
          seen.set(kind, numbers);
        }
        if (!numbers.has(n)) numbers.set(n, numbers.size);
        return `zr-${kind}${numbers.get(n)}`;
      });
    const id = createHash('sha256').update(plain).digest('hex').slice(0, 8);
    return { svg: plain.replaceAll('zr-', `c${id}-`), width, height };
  } finally {
    chart.dispose();
  }
}

/** The SVG as a PNG on white, in the chart font; `scale` 2 for sharp pictures on phones. */
export function rasterize(d: Drawing, scale = 1): Buffer {
  const font = chartFont();
  const r = new Resvg(d.svg, {
    background: '#ffffff',
    fitTo: { mode: 'width', value: Math.round(d.width * scale) },
    font: {
      loadSystemFonts: false,
      fontFiles: [subsetFile(font.file, textOf(d.svg))],
      defaultFontFamily: font.family,
    },
  });
  return r.render().asPng();
}

/** Every character the SVG may draw: its text nodes, entities decoded. */
function textOf(svg: string): string {
  const out: string[] = [];
  for (const m of svg.matchAll(/>([^<]+)</g)) out.push(m[1] as string);
  return out
    .join('')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
