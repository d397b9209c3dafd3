import type { MetaRecord, RoundMeta } from '../records.ts';

export type { RoundMeta } from '../records.ts';
export { readDate, readPeriod } from '../round-meta.ts';

const keys: Array<[keyof RoundMeta, RegExp]> = [
  ['period', /^(期次|检查期次|期别|检查周期)$/],
  ['scope', /^(通报范围|范围|检查范围)$/],
  ['title', /^(标题|通报标题)$/],
  ['issuer', /^(印发单位|发文机关|发文单位|通报单位)$/],
  ['docNumber', /^(文号|发文字号)$/],
  ['issuedOn', /^(印发日期|发文日期|通报日期)$/],
  ['resultsAsOf', /^(结果截至|数据截至|检查截至)$/],
  ['deadline', /^(整改报送截止|整改截止|报送截止|整改报告截止)$/],
  ['reportTo', /^(报送至|报送单位|整改报送至)$/],
];

/** Reads 项目 | 内容 rows; returns the keys it did not know, for the preview. */
export function readMeta(rows: readonly MetaRecord[], meta: RoundMeta): string[] {
  const unknown: string[] = [];
  for (const row of rows) {
    const key = keys.find(([, re]) => re.test(row.key))?.[0];
    if (!key) {
      unknown.push(row.key);
      continue;
    }
    if (
      key === 'period' ||
      key === 'scope' ||
      key === 'issuedOn' ||
      key === 'resultsAsOf' ||
      key === 'deadline'
    ) {
      meta[key] = row.value;
    } else {
      meta[key] = row.value.text;
    }
  }
  return unknown;
}
