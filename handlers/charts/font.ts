import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The CJK font charts are drawn with. resvg reads TrueType/OpenType only (not woff2), so the font
 * comes from `@expo-google-fonts/noto-sans-sc` (Noto Sans SC, SIL Open Font License 1.1, one
 * weight loaded), which `npm install` brings; `CHART_FONT` may name another .ttf/.otf/.ttc
 * (configureChartFont), and a
 * system Noto CJK is used when the package is absent. The same font everywhere keeps a chart's
 * pixels the same for the same data.
 */
export const FONT_FAMILY = 'Noto Sans SC';

/** System fonts tried when the package is missing (Debian's fonts-noto-cjk). */
const SYSTEM_FONTS = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc',
];

export interface ChartFont {
  file: string;
  /** The family name the SVG asks for. */
  family: string;
}

let chosen: ChartFont | undefined;

/** Uses another font file (CHART_FONT, read by bot/config.ts); checked at once. */
export function configureChartFont(file: string, family = FONT_FAMILY): void {
  if (!existsSync(file)) throw new Error(`CHART_FONT: ${file} does not exist`);
  chosen = { file, family };
}

/** The font in use: the configured one, else the package's, else a system Noto CJK. */
export function chartFont(): ChartFont {
  chosen ??= findFont();
  return chosen;
}

function findFont(): ChartFont {
  try {
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve('@expo-google-fonts/noto-sans-sc/package.json'));
    const file = path.join(dir, '400Regular', 'NotoSansSC_400Regular.ttf');
    if (existsSync(file)) return { file, family: FONT_FAMILY };
  } catch {
    // not installed: fall through to a system font
  }
  const system = SYSTEM_FONTS.find((f) => existsSync(f));
  if (system) return { file: system, family: 'Noto Sans CJK SC' };
  throw new Error('no CJK font for charts: run npm install (@expo-google-fonts/noto-sans-sc) or set CHART_FONT');
}
