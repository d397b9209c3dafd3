import type { InspectionStore } from '../../data/store.ts';
import { chartFor, chartPng } from '../../handlers/charts/build.ts';
import type { ChartRef } from '../../handlers/charts/spec.ts';
import type { ChartLinks } from './links.ts';

/**
 * Charts as the platforms send them: WeCom carries the PNG inside the message (base64 + md5),
 * DingTalk a link to it (bot/charts/links.ts). Drawn from the store's current data.
 */
export interface ChartImages {
  /** The PNG, or undefined when the chart's round or region no longer exists. */
  png(ref: ChartRef): Buffer | undefined;
  /** A signed public link, or undefined without PUBLIC_BASE_URL. */
  url(ref: ChartRef, now: Date): string | undefined;
}

export function createChartImages(store: Pick<InspectionStore, 'dataset'>, links?: ChartLinks): ChartImages {
  return {
    png(ref) {
      const data = store.dataset();
      const chart = chartFor(data, ref);
      return chart ? chartPng(data, chart) : undefined;
    },
    url: (ref, now) => links?.url(ref, now),
  };
}
