/**
 * A synthetic national data set (issue 7): 全国 → 31 provinces → about 370 cities, about 15,000
 * sites and 150,000 accounts with units and one contact per unit, and 8 quarterly rounds in which about 2% of
 * sites and accounts fail, half of each round's failures failing again the next round (so /repeat
 * has something to find). Deterministic (seeded), so runs compare. As rows in the spreadsheet
 * template's layout (data/templates/README.md); bench/generate.ts writes them to .xlsx files.
 */
export const PROVINCES =
  '北京 天津 河北 山西 内蒙古 辽宁 吉林 黑龙江 上海 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 广西 海南 重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆'.split(
    ' ',
  );
const CITY_MARKS = '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳'.split('');
const DEPTS = '办公厅 发改委 教育局 科技局 公安局 民政局 司法局 财政局 人社局 自然资源局 生态环境局 住建局 交通局 水利局 农业局 商务局 文旅局 卫健委 应急局 审计局 市场监管局 统计局 医保局 林业局 体育局 信访局 数据局 税务局 气象局 档案局'.split(
  ' ',
);
const PLATFORMS = ['微信公众号', '新浪微博', '抖音', '今日头条', '快手', '微信视频号'];
export const PERIODS = ['2023Q1', '2023Q2', '2023Q3', '2023Q4', '2024Q1', '2024Q2', '2024Q3', '2024Q4'];

export type Row = Array<string | number>;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Item {
  city: string;
  unit: string;
  name: string;
  platform?: string;
}

export interface NationalData {
  regions: Row[];
  sites: Row[];
  accounts: Row[];
  rounds: Array<{ period: string; meta: Row[]; tally: Row[]; failedSites: Row[]; failedAccounts: Row[] }>;
}

const provinceName = (p: string) =>
  ['北京', '天津', '上海', '重庆'].includes(p) ? `${p}市` : ['内蒙古', '广西', '西藏', '宁夏', '新疆'].includes(p) ? `${p}自治区` : `${p}省`;

export function nationalData(scale = 1, seed = 7): NationalData {
  const rand = rng(seed);
  const regions: Row[] = [['地区名称', '上级地区', '区划代码', '地区类型'], ['全国', '', '', '全国']];
  const cities: string[] = [];
  PROVINCES.forEach((p, i) => {
    regions.push([provinceName(p), '全国', String(11 + i), '省']);
    const n = 8 + Math.floor(rand() * 9);
    for (let c = 0; c < n; c++) {
      const city = `${p}${CITY_MARKS[c]}市`;
      cities.push(city);
      regions.push([city, provinceName(p), '', '市']);
    }
  });
  const sites: Item[] = [];
  const accounts: Item[] = [];
  const siteTarget = Math.round(15_000 * scale);
  const accountTarget = Math.round(150_000 * scale);
  for (let i = 0; i < siteTarget; i++) {
    const city = cities[i % cities.length]!;
    const unit = `${city}${DEPTS[Math.floor(i / cities.length) % DEPTS.length]}`;
    sites.push({ city, unit, name: `${unit}网站${i >= cities.length * DEPTS.length ? `（${i}）` : ''}` });
  }
  for (let i = 0; i < accountTarget; i++) {
    const city = cities[i % cities.length]!;
    const k = Math.floor(i / cities.length);
    const unit = `${city}${DEPTS[k % DEPTS.length]}`;
    const platform = PLATFORMS[k % PLATFORMS.length]!;
    accounts.push({ city, unit, platform, name: `${unit}发布${k}` });
  }
  // One designated contact per unit, repeated on each of its rows, as registers list them.
  const unitNo = new Map<string, number>();
  const contact = (unit: string): [string, string] => {
    if (!unitNo.has(unit)) unitNo.set(unit, unitNo.size);
    const n = unitNo.get(unit)!;
    return [`联系人${n}`, `139${String(10_000_000 + n).slice(-8)}`];
  };
  const siteRows: Row[] = [['序号', '部门/地区', '单位名称', '网站名称', '网址', '网站标识码', '联系人', '联系电话']];
  for (const [i, s] of sites.entries()) {
    siteRows.push([i + 1, s.city, s.unit, s.name, `http://s${i}.example.gov.cn`, String(1_000_000_000 + i), ...contact(s.unit)]);
  }
  const accountRows: Row[] = [['序号', '部门/地区', '单位名称', '平台', '账号', '联系人', '联系电话']];
  for (const [i, a] of accounts.entries()) {
    accountRows.push([i + 1, a.city, a.unit, a.platform!, a.name, ...contact(a.unit)]);
  }

  const rounds: NationalData['rounds'] = [];
  let failedS = new Set<number>();
  let failedA = new Set<number>();
  for (const period of PERIODS) {
    failedS = nextFailures(failedS, sites.length, rand);
    failedA = nextFailures(failedA, accounts.length, rand);
    const count = new Map<string, [number, number, number, number]>();
    for (const c of cities) count.set(c, [0, 0, 0, 0]);
    sites.forEach((s, i) => {
      const n = count.get(s.city)!;
      n[0] += 1;
      if (failedS.has(i)) n[1] += 1;
    });
    accounts.forEach((a, i) => {
      const n = count.get(a.city)!;
      n[2] += 1;
      if (failedA.has(i)) n[3] += 1;
    });
    const tally: Row[] = [['序号', '部门/地区', '运行网站总数', '检查网站数', '不合格网站数', '运行政务新媒体总数', '检查政务新媒体数', '不合格政务新媒体数']];
    cities.forEach((c, i) => {
      const [st, sf, at, af] = count.get(c)!;
      tally.push([i + 1, c, st, st, sf, at, at, af]);
    });
    const failedSites: Row[] = [['序号', '部门/地区', '单位名称', '网站名称', '突出问题']];
    [...failedS].sort((a, b) => a - b).forEach((i, k) => {
      const s = sites[i]!;
      failedSites.push([k + 1, s.city, s.unit, s.name, i % 3 === 0 ? '首页不更新（单项否决）' : '栏目不更新（单项否决）']);
    });
    const failedAccounts: Row[] = [['序号', '部门/地区', '单位名称', '平台', '账号', '突出问题']];
    [...failedA].sort((a, b) => a - b).forEach((i, k) => {
      const a = accounts[i]!;
      failedAccounts.push([k + 1, a.city, a.unit, a.platform!, a.name, i % 4 === 0 ? '未提供有效互动功能' : '超过14天未更新']);
    });
    const meta: Row[] = [['项目', '内容'], ['期次', period], ['通报范围', '全国'], ['印发单位', '国务院办公厅（模拟）']];
    rounds.push({ period, meta, tally, failedSites, failedAccounts });
  }
  return { regions, sites: siteRows, accounts: accountRows, rounds };
}

/** About 2% fail each round: half of last round's failures again, the rest new. */
function nextFailures(previous: Set<number>, n: number, rand: () => number): Set<number> {
  const target = Math.round(n * 0.02);
  const next = new Set<number>();
  for (const i of previous) if (rand() < 0.5) next.add(i);
  while (next.size < target) next.add(Math.floor(rand() * n));
  return next;
}

/** City names every province has (at least 8 cities each), for queries like `/rate 北京甲市`. */
export function sampleCities(): string[] {
  return PROVINCES.flatMap((p) => CITY_MARKS.slice(0, 8).map((m) => `${p}${m}市`));
}
