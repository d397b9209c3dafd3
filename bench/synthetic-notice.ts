/**
 * A synthetic national notice in the seed's layout (one cell per line): about 3,000 county-level
 * regions under 31 provinces, about 15,000 sites and 150,000 accounts, with ~1% failed, listed
 * in the two failure attachments. Deterministic (seeded), so runs compare.
 */
const SYLLABLES =
  '安宝昌德东丰广海和华吉嘉建江金靖康乐临龙隆马明南宁平浦清庆泉仁瑞山上石寿顺泰通同武西仙祥新兴阳永云长正中州'.split(
    '',
  );

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface SyntheticNotice {
  text: string;
  regions: string[];
  sites: number;
  accounts: number;
  failedSites: number;
  failedAccounts: number;
}

export function syntheticNationalNotice(regionCount = 3000, seed = 42): SyntheticNotice {
  const rand = rng(seed);
  const names = new Set<string>();
  while (names.size < regionCount) {
    const a = SYLLABLES[Math.floor(rand() * SYLLABLES.length)] as string;
    const b = SYLLABLES[Math.floor(rand() * SYLLABLES.length)] as string;
    const c = SYLLABLES[Math.floor(rand() * SYLLABLES.length)] as string;
    names.add(`${a}${b}${c}${rand() < 0.7 ? '县' : '区'}`);
  }
  const regions = [...names];
  const rows = regions.map((name) => {
    const sites = 3 + Math.floor(rand() * 5);
    const accounts = 30 + Math.floor(rand() * 41);
    const failedSites = rand() < 0.05 ? 1 : 0;
    const failedAccounts = rand() < 0.4 ? 1 + Math.floor(rand() * 2) : 0;
    return { name, sites, accounts, failedSites, failedAccounts };
  });
  const sum = (k: 'sites' | 'accounts' | 'failedSites' | 'failedAccounts') =>
    rows.reduce((n, r) => n + r[k], 0);
  const rate = (f: number, c: number) => `${((f / c) * 100).toFixed(2)}%`;
  const out: string[] = [
    '国务院办公厅关于2025年第一季度全国政府网站和政务新媒体检查情况的通报',
    '各省、自治区、直辖市人民政府，国务院各部委、各直属机构：',
    `截至2025年3月底，全国正在运行政府网站${sum('sites')}个，政务新媒体${sum('accounts')}个。`,
    '请各地于2025年4月30日前将整改情况报国务院办公厅政府信息与政务公开办公室。',
    '附件：1.2025年第一季度全国政府网站检查情况表',
    '2.2025年第一季度不合格政府网站名单',
    '3.2025年第一季度全国政务新媒体检查情况表',
    '4.2025年第一季度不合格政务新媒体名单',
    '国务院办公厅',
    '2025年4月10日',
  ];
  const tally = (
    n: number,
    title: string,
    what: string,
    k: 'sites' | 'accounts',
    f: 'failedSites' | 'failedAccounts',
  ) => {
    out.push(
      `附件${n}`,
      title,
      '序号',
      '地区',
      `运行${what}总数`,
      `检查${what}数`,
      `不合格${what}数`,
      '不合格率',
    );
    rows.forEach((r, i) => {
      out.push(String(i + 1), r.name, String(r[k]), String(r[k]), String(r[f]), rate(r[f], r[k]));
    });
    out.push('合计', String(sum(k)), String(sum(k)), String(sum(f)), rate(sum(f), sum(k)));
  };
  tally(1, '2025年第一季度全国政府网站检查情况表', '网站', 'sites', 'failedSites');
  out.push('附件2', '2025年第一季度不合格政府网站名单', '序号', '所属地区', '网站名称', '抽查发现突出问题');
  let seq = 0;
  for (const r of rows) {
    for (let k = 0; k < r.failedSites; k++) {
      out.push(
        String(++seq),
        r.name,
        `${r.name}人民政府网站${k + 1}`,
        k % 2 ? '站点无法访问（单项否决）' : '首页不更新（单项否决）',
      );
    }
  }
  tally(3, '2025年第一季度全国政务新媒体检查情况表', '政务新媒体', 'accounts', 'failedAccounts');
  out.push(
    '附件4',
    '2025年第一季度不合格政务新媒体名单',
    '序号',
    '部门/地区',
    '单位名称',
    '平台',
    '账号',
    '抽查发现突出问题',
  );
  seq = 0;
  for (const r of rows) {
    for (let k = 0; k < r.failedAccounts; k++) {
      out.push(
        String(++seq),
        r.name,
        `${r.name}融媒体中心`,
        k % 2 ? '新浪微博' : '微信公众号',
        `${r.name}发布${k + 1}`,
        '内容不更新（单项否决）',
      );
    }
  }
  return {
    text: `${out.join('\n')}\n`,
    regions,
    sites: sum('sites'),
    accounts: sum('accounts'),
    failedSites: sum('failedSites'),
    failedAccounts: sum('failedAccounts'),
  };
}
