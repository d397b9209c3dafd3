import { addDays, shanghaiDate } from '../../data/deadlines/time.ts';
import type { ProbeStore, SiteReading } from '../../data/probe/store.ts';
import type { Site, Unit } from '../../data/schema.ts';
import type { InspectionStore } from '../../data/store.ts';

/**
 * A small register of probed sites in Fujian for /probe, /watch and the early warnings, and
 * helpers that fill a probe store the way the prober does (record() per try, setReading() per
 * day). Region ids are the seeded store's: 3501 福州市, 350102 鼓楼区, 350103 台江区, 3502 厦门市.
 */
export const units: Unit[] = [
  {
    id: 'u-fz',
    name: '福州市人民政府办公厅',
    regionId: '3501',
    aliases: ['福州市政府办'],
    contacts: [
      { name: '张三', mobile: '13800000001', wecomUserId: 'zhangsan', dingtalkUserId: 'dt-zhangsan' },
      { name: '无账号' },
    ],
  },
  { id: 'u-gl', name: '鼓楼区人民政府办公室', regionId: '350102', aliases: [], contacts: [{ name: '李四', mobile: '13800000002', wecomUserId: 'lisi' }] },
  { id: 'u-tj', name: '台江区人民政府办公室', regionId: '350103', aliases: [], contacts: [] },
  { id: 'u-jy', name: '福州市教育局', regionId: '3501', aliases: [], contacts: [] },
  { id: 'u-xm', name: '厦门市人民政府办公厅', regionId: '3502', aliases: [], contacts: [{ name: '王五', mobile: '13800000005' }] },
];

const col = (name: string, path: string) => ({ name, url: `http://sites.example/${path}` });

export const sites: Site[] = [
  {
    id: 's-fz',
    name: '福州市人民政府网',
    url: 'http://www.fuzhou.example.gov.cn/',
    regionId: '3501',
    unitId: 'u-fz',
    kind: 'portal',
    columns: [col('政务动态', 'fz/gzdt'), col('通知公告', 'fz/tzgg'), col('专题专栏', 'fz/ztzl')],
  },
  { id: 's-gl', name: '鼓楼区人民政府网', url: 'http://gl.example.gov.cn/', regionId: '350102', unitId: 'u-gl', kind: 'portal' },
  { id: 's-tj', name: '台江区人民政府网', url: 'http://tj.example.gov.cn/', regionId: '350103', unitId: 'u-tj', kind: 'portal' },
  { id: 's-jy', name: '福州市教育局网站', url: 'http://jyj.fuzhou.example.gov.cn/', regionId: '3501', unitId: 'u-jy', kind: 'department' },
  { id: 's-xm', name: '厦门市人民政府网', url: 'http://www.xm.example.gov.cn/', regionId: '3502', unitId: 'u-xm', kind: 'portal' },
];

export async function registerSites(store: InspectionStore, extra: Site[] = []): Promise<void> {
  await store.applyRegister({ newRegions: [], units, sites: [...sites, ...extra], accounts: [] });
}

/**
 * Tries as the prober counts them: `days[i]` is [tries, failed] on the i-th day before `now`'s
 * Shanghai date (days[0] is yesterday); `today` the tries so far today.
 */
export function tries(
  probes: ProbeStore,
  siteId: string,
  now: Date,
  days: Array<[number, number]>,
  today: [number, number] = [0, 0],
): void {
  const date = shanghaiDate(now);
  const put = (d: string, [n, failed]: [number, number]) => {
    for (let i = 0; i < n; i++) probes.record(siteId, d, i < failed ? 'failed' : 'ok');
  };
  for (const [i, day] of days.entries()) put(addDays(date, -(i + 1)), day);
  put(date, today);
}

/** A week of 24 tries a day with `failed` failures spread over the days before `now`. */
export function week(probes: ProbeStore, siteId: string, now: Date, failed: number, today: [number, number] = [0, 0]): void {
  const days: Array<[number, number]> = Array.from({ length: 8 }, (_, i) => [24, i < failed ? 1 : 0]);
  tries(probes, siteId, now, days, today);
}

/** The day's reading: the homepage's newest item `homeAge` days ago, columns by [name, kind, age | 'blank']. */
export function reading(
  now: Date,
  homeAge: number | undefined,
  columns: Array<[string, 'news' | 'notice' | 'other', number | 'blank']> = [],
): SiteReading {
  const date = shanghaiDate(now);
  const r: SiteReading = {
    at: now.toISOString(),
    homepage: homeAge === undefined ? {} : { newest: addDays(date, -homeAge) },
    columns: columns.map(([name, kind, age]) => ({
      name,
      kind,
      read: age === 'blank' ? { blank: true, items: 0 } : { blank: false, newest: addDays(date, -age), items: 20 },
    })),
  };
  return r;
}
