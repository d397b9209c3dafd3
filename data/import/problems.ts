import type { Channel } from '../schema.ts';

/** Problem codes of domain.md §2.4, matched on the problem as written (NFKC). First match wins. */
const websiteCodes: Array<[string, RegExp]> = [
  ['W_UNREACHABLE', /无法访问|不能访问|打不开|无法打开|无法正常访问/],
  ['W_HOME_STALE', /首页.*(不更新|未更新|无更新)/],
  ['W_BLANK', /空白|开天窗/],
  ['W_COLUMN_STALE', /栏目.*(不更新|未更新|更新不及时)|不更新|未更新/],
  ['W_SEVERE_ERROR', /表述(错误|不规范)|错别字|严重错误/],
  ['W_SECURITY', /泄密|挂马|篡改|暗链|安全/],
  ['W_INTERACTION', /互动|咨询建言|留言|回应/],
  ['W_SERVICE', /办事|服务不实用|要素缺失|办事指南/],
  ['W_FAKE', /旧文新发|伪造/],
  ['W_LOW_SCORE', /得分|低于60|分数/],
];

const newmediaCodes: Array<[string, RegExp]> = [
  ['M_STALE', /不更新|未更新|无更新|僵尸/],
  ['M_NO_INTERACTION', /互动/],
  ['M_SEVERE_ERROR', /表述|错别字|错误/],
  ['M_ADS', /广告/],
  ['M_APP_BROKEN', /客户端|无法正常使用/],
  ['M_UNREGISTERED', /瞒报|漏报|私自|未备案|未报备/],
  ['M_PRIVACY', /去标识化|个人信息|隐私/],
  ['M_SECURITY', /泄密|安全/],
];

/** Codes that are not single-veto items (a portal failing on score). */
const notVeto = new Set(['W_LOW_SCORE', 'W_OTHER', 'M_OTHER']);

export function problemCode(channel: Channel, problem: string): string {
  const text = problem.normalize('NFKC');
  const table = channel === 'website' ? websiteCodes : newmediaCodes;
  for (const [code, re] of table) if (re.test(text)) return code;
  return channel === 'website' ? 'W_OTHER' : 'M_OTHER';
}

/** A failure is a veto when the notice says 单项否决 or its code is a veto item of 国办秘函〔2019〕19号. */
export function isVeto(problem: string, code: string): boolean {
  return /单项否决/.test(problem) || !notVeto.has(code);
}

/** Does a cell read like a problem description? */
export function looksLikeProblem(text: string): boolean {
  return /否决|不更新|未更新|无更新|无法|不能访问|空白|错误|不规范|错别字|互动|未提供|泄密|挂马|篡改|广告|瞒报|漏报|缺失|不及时|不合格|问题|未备案|僵尸/.test(
    text,
  );
}

const platformNames = [
  '微信公众号',
  '微信服务号',
  '微信订阅号',
  '微信视频号',
  '视频号',
  '微信',
  '公众号',
  '服务号',
  '订阅号',
  '新浪微博',
  '腾讯微博',
  '微博',
  '今日头条',
  '头条号',
  '抖音',
  '快手',
  '百家号',
  '企鹅号',
  '网易号',
  '人民号',
  '强国号',
  '小程序',
  '移动客户端',
  '客户端',
  'APP',
  'App',
  'app',
];

/** Does a cell name a new-media platform (微信公众号, 新浪微博, 抖音 …)? */
export function isPlatform(text: string): boolean {
  const t = text.normalize('NFKC');
  return platformNames.some((p) => t === p || (t.length <= 8 && t.includes(p)));
}

/** Platform names as notices write them, each with the name figures are kept under. */
const platformCanon: Array<[RegExp, string]> = [
  [/^(?:微信公众号|微信公众平台|公众号|政务微信|微信|微信服务号|微信订阅号|服务号|订阅号)$/, '微信公众号'],
  [/^(?:微信视频号|视频号)$/, '视频号'],
  [/^(?:新浪微博|政务微博|微博|腾讯微博)$/, '微博'],
  [/^(?:抖音|抖音号|抖音短视频|抖音账号|政务抖音)$/, '抖音'],
  [/^(?:今日头条|头条号|头条)$/, '今日头条'],
  [/^(?:快手|快手号)$/, '快手'],
  [/^(?:移动客户端|客户端|APP|App|app|政务APP|手机客户端)$/, '移动客户端'],
  [/^(?:小程序|微信小程序)$/, '小程序'],
  [/^(?:百家号|企鹅号|大鱼号|网易号|人民号|强国号|澎湃号|搜狐号|一点号|百度贴吧|哔哩哔哩|B站|小红书|西瓜视频)$/, ''],
];

/** 政务微博 → 微博, 公众号 → 微信公众号, 抖音短视频 → 抖音; not a platform → undefined. */
export function canonicalPlatform(text: string): string | undefined {
  const t = text.normalize('NFKC').replace(/\s+/g, '');
  for (const [re, canon] of platformCanon) if (re.test(t)) return canon || t;
  return undefined;
}
