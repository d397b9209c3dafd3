import type { Channel } from '../../schema.ts';

/** What a column holds, recognised from the header words offices use (data/templates/README.md). */
export type ColumnKind =
  | 'seq'
  | 'key'
  | 'value'
  | 'region'
  | 'parent'
  | 'code'
  | 'short'
  | 'regionKind'
  | 'unit'
  | 'site'
  | 'url'
  | 'siteCode'
  | 'siteKind'
  | 'platform'
  | 'account'
  | 'problem'
  | 'contact'
  | 'mobile'
  | 'wecomUserId'
  | 'dingtalkUserId'
  | 'channel'
  | 'total'
  | 'checked'
  | 'failed'
  | 'failRate'
  | 'passRate'
  | 'columnName'
  | 'columnUrl'
  | 'columnKind'
  | 'columnPeriod';

export const countKinds: ReadonlySet<ColumnKind> = new Set([
  'total',
  'checked',
  'failed',
  'failRate',
  'passRate',
]);

/** First match wins: 不合格网站数 is `failed` before it is anything else, 不合格率 before 合格率. */
const rules: Array<[ColumnKind, RegExp]> = [
  ['seq', /^(序号|编号)$/],
  ['key', /^(项目|字段)$/],
  // A site's columns (栏目名册): before 网址 and 类别, which their headers would otherwise match.
  ['columnName', /^栏目(名称)?$/],
  ['columnUrl', /^栏目(地址|网址|链接|页面|列表页|列表页地址)$|^列表页(地址|网址)?$/i],
  ['columnKind', /^栏目(类型|类别|分类)$/],
  ['columnPeriod', /^(更新周期|更新期限|周期)(\(天\)|天数)?$/],
  ['value', /^(内容|值)$/],
  ['failRate', /不合格率$/],
  ['passRate', /合格率$/],
  ['failed', /^(检查)?不合格.*(数|数量)$/],
  ['checked', /^(检查|抽查|监测|检测).*(数|数量)$/],
  ['total', /(总数|^运行.*数|^开设.*数|^备案.*数|^在运行.*数)$/],
  ['problem', /(问题|不合格原因|原因|情形)$/],
  ['platform', /^(平台|平台类型|账号类型|所属平台|平台名称)$/],
  ['account', /^(账号|账号名称|新媒体名称|政务新媒体名称|政务新媒体账号|账号名)$/],
  ['siteCode', /标识码$/],
  ['siteKind', /^网站类型$/],
  ['site', /^(网站名称|网站|站点名称)$/],
  ['url', /(网址|域名|首页地址|URL)$/i],
  ['parent', /^上级(地区|区域)?$/],
  ['code', /^(行政)?区划代码$/],
  ['short', /^简称$/],
  ['regionKind', /^(地区类型|层级|级别)$/],
  ['contact', /^(联系人|负责人)$/],
  ['mobile', /^(联系电话|手机|手机号|手机号码|电话)$/],
  // Platform user ids, so that mentions reach the person (企业微信 userid, 钉钉 userId).
  ['wecomUserId', /^(企业微信(账号|帐号|userid|用户ID|ID)|企微(账号|帐号|ID))$/i],
  ['dingtalkUserId', /^(钉钉(账号|帐号|userid|userId|用户ID|ID))$/i],
  ['channel', /^(类别|渠道)$/],
  ['unit', /(单位名称|主办单位|开办主体|开设主体|责任单位|主管单位)$/],
  ['region', /(部门\/地区|地区\/部门|所属地区|地区名称|地区|区域|设区市|部门|所属地|县\(市、区\))$/],
];

/** Header text as compared: NFKC, no spaces, a trailing unit in brackets dropped (检查网站数（个）). */
export function headerKey(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/\((个|%|家|条|项)\)$/, '');
}

export function classifyHeader(text: string): ColumnKind | undefined {
  const key = headerKey(text);
  if (!key) return undefined;
  for (const [kind, re] of rules) if (re.test(key)) return kind;
  return undefined;
}

export function channelOfHeader(text: string): Channel | undefined {
  if (/网站/.test(text)) return 'website';
  if (/新媒体|账号/.test(text)) return 'newmedia';
  return undefined;
}

/** 网站 / 政府网站 / 新媒体 / 政务新媒体 in a 类别 cell. */
export function channelOfCell(text: string): Channel | undefined {
  const t = text.replace(/\s/g, '');
  if (/^(政府)?网站$/.test(t)) return 'website';
  if (/^(政务)?新媒体$|^政务新媒体账号$/.test(t)) return 'newmedia';
  return undefined;
}

export interface Column {
  index: number;
  kind: ColumnKind;
  header: string;
  /** For count columns: the channel named in the header, or carried from the column before. */
  channel?: Channel;
}

export type TableKind =
  | 'meta'
  | 'regions'
  | 'tally'
  | 'failedSites'
  | 'failedAccounts'
  | 'sites'
  | 'siteColumns'
  | 'accounts';

export interface Layout {
  kind: TableKind;
  columns: Column[];
  /** Headers nobody reads (备注, 整改情况 …), shown in the preview. */
  ignored: string[];
}

const required: Record<TableKind, ColumnKind[]> = {
  meta: ['key', 'value'],
  regions: ['region'],
  tally: ['region', 'checked', 'failed'],
  failedSites: ['region', 'site', 'problem'],
  failedAccounts: ['region', 'platform', 'account', 'problem'],
  sites: ['region', 'site'],
  siteColumns: ['site', 'columnName', 'columnUrl'],
  accounts: ['region', 'platform', 'account'],
};

export function requiredColumns(kind: TableKind): ColumnKind[] {
  return required[kind];
}

/**
 * Reads a header row. Returns undefined when fewer than two cells are headers this importer
 * knows (a title row, a cover sheet); otherwise the table's kind decided by which columns it has.
 */
export function readLayout(cells: readonly string[]): Layout | undefined {
  const columns: Column[] = [];
  const ignored: string[] = [];
  let channel: Channel | undefined;
  cells.forEach((header, index) => {
    if (!header) return;
    const kind = classifyHeader(header);
    if (!kind) {
      ignored.push(header);
      return;
    }
    const column: Column = { index, kind, header };
    if (countKinds.has(kind)) {
      channel = channelOfHeader(header) ?? channel;
      if (channel) column.channel = channel;
    }
    columns.push(column);
  });
  if (columns.filter((c) => c.kind !== 'seq').length < 2) return undefined;
  const has = (k: ColumnKind) => columns.some((c) => c.kind === k);
  let kind: TableKind;
  if (has('key') && has('value')) kind = 'meta';
  else if (columns.some((c) => countKinds.has(c.kind))) kind = 'tally';
  else if (has('problem') && has('site')) kind = 'failedSites';
  else if (has('problem')) kind = 'failedAccounts';
  else if (has('columnName') || has('columnUrl')) kind = 'siteColumns';
  else if (has('site')) kind = 'sites';
  else if (has('account')) kind = 'accounts';
  else kind = 'regions';
  return { kind, columns, ignored };
}
