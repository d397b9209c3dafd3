import type { Line } from './lines.ts';

/** What a table column holds, recognised from the header words offices use. */
export type ColumnKind =
  | 'seq'
  | 'region'
  | 'unit'
  | 'site'
  | 'account'
  | 'platform'
  | 'problem'
  | 'total'
  | 'checked'
  | 'failed'
  | 'passed'
  | 'failRate'
  | 'passRate'
  | 'url'
  | 'siteCode'
  | 'note';

export interface Column {
  kind: ColumnKind;
  /** The header as written, fragments joined. */
  header: string;
  line: number;
}

/** Order matters: 检查不合格网站数 is `failed` before it is `checked`. */
const rules: Array<[ColumnKind, RegExp]> = [
  ['seq', /^(序号|编号)$/],
  ['failRate', /不合格率$/],
  ['passRate', /合格率$/],
  ['failed', /不合格.*(数|数量)$/],
  ['passed', /合格.*(数|数量)$/],
  ['checked', /^(检查|抽查|监测|检测).*(数|数量)$/],
  ['total', /(总数|总量|^运行.*数|^开设.*数|^备案.*数|^在运行.*数)$/],
  [
    'problem',
    /^(抽查发现|检查发现)?(突出|存在|主要|发现)?的?问题(描述|类型)?$|^(不合格)?(原因|情形|情况)$|^扣分情形$/,
  ],
  ['platform', /^(平台|平台类型|账号类型|所属平台|类型|平台名称)$/],
  ['account', /^(账号|账号名称|新媒体名称|政务新媒体名称|政务新媒体账号|账号名)$/],
  ['site', /^(网站名称|网站|站点名称)$/],
  ['url', /(网址|域名|URL)$/i],
  ['siteCode', /标识码$/],
  ['unit', /^(单位名称|主办单位|主办单位名称|开办主体|开办单位|责任单位|主管单位|开设主体|单位)$/],
  [
    'region',
    /^(部门\/地区|地区\/部门|单位\/地区|所属地区|地区|区域|设区市|部门|县\(市、区\)|市、县\(区\)|县\(区\)|县区|所属地)$/,
  ],
  ['note', /^备注$/],
];

export function classifyHeader(text: string): ColumnKind | undefined {
  for (const [kind, re] of rules) if (re.test(text)) return kind;
  return undefined;
}

export interface HeaderRead {
  columns: Column[];
  /** Index into `lines` of the first data line. */
  next: number;
}

/**
 * Reads a header whose cells may be broken over lines (检查 / 网站数). Fragments are joined while
 * the text so far is not a known header, or when the next fragment alone is not one but the two
 * together are. The header ends at the first data row: the line `1` when there is a 序号 column,
 * otherwise the first line that no joining turns into a header.
 */
export function readHeader(lines: Line[], start: number, end: number): HeaderRead {
  const columns: Column[] = [];
  let i = start;
  while (i < end) {
    const first = lines[i];
    if (!first) break;
    if (columns.some((c) => c.kind === 'seq') && /^\d+$/.test(first.text)) break;
    let text = first.text;
    let j = i + 1;
    for (;;) {
      const next = lines[j];
      if (!next || j >= end || /^\d+$/.test(next.text)) break;
      const joined = text + next.text;
      const kindNow = classifyHeader(text);
      if (
        kindNow === undefined ||
        (classifyHeader(next.text) === undefined && classifyHeader(joined) !== undefined)
      ) {
        if (kindNow === undefined && classifyHeader(joined) === undefined && !couldContinue(joined)) break;
        text = joined;
        j++;
        continue;
      }
      break;
    }
    const kind = classifyHeader(text);
    if (kind === undefined) break;
    columns.push({ kind, header: text, line: first.no });
    i = j;
  }
  return { columns, next: i };
}

/** A header prefix still being assembled: 检查 / 检查不合格 / 运行政务新媒体. */
function couldContinue(text: string): boolean {
  return (
    text.length <= 16 &&
    /检查|抽查|不合格|合格|运行|网站|新媒体|名称|单位|总|率|数|发现|突出|所属|部门|地区/.test(text)
  );
}

export const numericKinds: ReadonlySet<ColumnKind> = new Set([
  'total',
  'checked',
  'failed',
  'passed',
  'failRate',
  'passRate',
]);
