import { configureChartFont } from '../../handlers/charts/font.ts';
import type { InspectionStore } from '../../data/store.ts';
import type { Config } from '../config.ts';
import { type ChartImages, createChartImages } from './images.ts';
import { ChartLinks } from './links.ts';
import { createChartRouter } from './routes.ts';

/** Charts wired: the font, the link key, the pictures for the platforms and GET /charts/<id>.png. */
export async function openCharts(config: Config, store: InspectionStore, now: () => Date = () => new Date()) {
  if (config.CHART_FONT) configureChartFont(config.CHART_FONT, config.CHART_FONT_FAMILY);
  const links = await ChartLinks.open({
    dataDir: config.dataDir,
    secret: config.CHART_LINK_SECRET,
    base: config.PUBLIC_BASE_URL,
    ttlHours: config.CHART_LINK_TTL_HOURS,
  });
  const images: ChartImages = createChartImages(store, links);
  return { links, images, router: createChartRouter({ store, links, now }) };
}
