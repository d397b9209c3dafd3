import { channelName } from '../../labels.ts';
import type { Channel } from '../../schema.ts';

/* ---------------------------------------------------------------------------------------------
 * Notice and spreadsheet import (npm run import, the API): errors name the line; the report
 * shows what was understood before anything is written.
 * ------------------------------------------------------------------------------------------- */

const kName = { total: '运行数', checked: '检查数', failed: '不合格数' } as const;
/** A count in the import preview, marked when computed from other counts rather than stated. */
interface ReportCount {
  n: number;
  derived: boolean;
}
const seqText = (seq: number | undefined) => (seq === undefined ? '' : `（序号${seq}）`);
const pct = (n: number) => `${Number(n.toFixed(2))}%`;

/** What the importer looked at for the issuer, as the refusal lists it. */
interface Looked {
  title: string | undefined;
  office?: string | undefined;
  word: string | undefined;
}
const lookedFor = (l: Looked) =>
  [
    l.title ? `标题“${l.title}”没有写地区` : '没有找到标题',
    ...(l.office ? [] : ['落款、来源行和正文中也没有发文机关']),
    l.word ? `正文的“${l.word}”和所列地区定不出唯一的范围` : '正文没有“我县”“全市”这样的范围用语，所列地区也定不出范围',
  ].join('，');

export const importText = {
  empty: '文件是空的。',
  notANotice: '这不是一份检查情况通报：没有找到检查期次（如“2020年第一季度”）和检查结果。',
  noPeriod: '没有找到检查期次（如“2020年第一季度”“2023年9月”；只写“一季度”而全文没有年份也算没有）。请用 --period <期次> 指定，例如 --period 2025Q1 或 --period 2025年第一季度。',
  periodOptionUnknown: (text: string) =>
    `--period “${text}”不是可识别的检查期次。请写季度、半年或月份，例如 --period 2025Q1、--period 2025H1、--period 2023-09 或 --period 2025年第一季度。`,
  periodFromOption: (period: string) => `检查期次按 --period 指定为 ${period}。`,
  noIssuer: '没有找到发文机关（标题“××关于……的通报”或落款）。',
  noIssuerFound: (looked: Looked) =>
    `没有找到发文机关或所属地区：${lookedFor(looked)}。请用 --issuer <地区> 指定，例如 --issuer 六安市。`,
  issuerWithoutPlace: (office: string, looked: Looked) =>
    `发文机关“${office}”没有写明地区：${lookedFor(looked)}。请用 --issuer <地区> 指定，例如 --issuer 贵州省。`,
  issuerOptionUnknown: (text: string, near: string[]) =>
    `--issuer “${text}”不是可识别的地区或机关名称${near.length > 0 ? `，是不是：${near.join('、')}？` : '。'}请写地区名称，例如 --issuer 红河哈尼族彝族自治州 或 --issuer 长沙市。`,
  issuerHowCli: (file: string) => `指定发文地区后重新预览：npm run import -- ${file} --issuer <地区>`,
  issuerFromOption: (text: string, region: string) => `发文机关按 --issuer 指定为“${text}”，范围：${region}。`,
  issuerInferred: '按正文推断',
  scopeFromTitle: (region: string) => `通报没有写明发文机关：按标题中的“${region}”确定范围。`,
  scopeFromBody: (region: string, word: string) =>
    `通报没有写明发文地区：按“${word}”和正文所列地区（都属于“${region}”）确定范围为${region}。`,
  failedFromNames: (channel: Channel, n: number) => `通报没有写${channelName[channel]}不合格总数，按点名的${n}个计。`,
  noResults: '没有找到检查结果：既没有情况表，也没有“运行政府网站××个，其中不合格××个”这样的表述。',
  noHeader: '表格没有可识别的表头（序号、部门/地区、运行网站总数……）。',
  noNumberColumns: '情况表没有数字列（运行总数、检查数、不合格数）。',
  noChannel: '看不出这张表是政府网站还是政务新媒体。',
  badNumber: (raw: string) => `“${raw}”不是一个数字。`,
  rowWithoutName: '这一行没有地区名称。',
  rowWithoutSeq: '表格第一行前缺少序号“1”。',
  rowTooShort: (name: string, n: number) => `“${name}”这一行应有${n}个数字，数字不全。`,
  rowMissingNumbers: (name: string) => `“${name}”这一行缺少运行数、检查数或不合格数。`,
  cutOff: (name: string) => `文本在表格中间结束：“${name}”这一行不完整，通报可能没有复制全。`,
  cutOffList: (seq: number | undefined) => `文本在名单中间结束${seqText(seq)}，通报可能没有复制全。`,
  emptyRow: (seq: number | undefined) => `名单中这一行是空的${seqText(seq)}。`,
  rowTooLong: (seq: number | undefined, n: number) =>
    `名单这一行${seqText(seq)}的内容多于${n}列，无法对应到表头。`,
  rowWithoutSubject: (seq: number | undefined) => `名单这一行${seqText(seq)}没有网站或账号名称。`,
  missingCell: (seq: number | undefined, label: string) =>
    `名单这一行${seqText(seq)}缺少“${label}”，上一行也没有可沿用的内容。`,
  missingAttachments: (listed: number, found: number) =>
    `正文列出${listed}个附件，文本中只有${found}个，通报可能没有复制全。`,
  attachmentsAbsent: (listed: number) =>
    `正文列出${listed}个附件，文本中一个也没有，通报可能没有复制全：请把附件内容接在正文之后一并导入。`,
  unknownIssuerPlace: (issuer: string, place: string, near: string[]) =>
    `发文机关“${issuer}”中的地区“${place}”无法识别${near.length > 0 ? `，是不是：${near.join('、')}？` : '。'}`,
  tableCutBeforeRows: (n: number, title: string) =>
    `附件${n}（${title}）的表格在表头处就结束了，通报没有复制全：本次只按正文导入，补全附件后可重新导入。`,
  emptyAttachment: (n: number) => `附件${n}没有内容，通报可能没有复制全。`,
  cutMidSentence: (tail: string) => `文本在一句话中间结束（“…${tail}”），通报可能没有复制全。`,
  fewerNamedThanCounted: (channel: Channel, named: number, failed: number) =>
    `通报统计${channelName[channel]}不合格${failed}个，名单只列出${named}个，通报可能没有复制全。`,
  skippedAttachment: (n: number, title: string) => `附件${n}（${title}）不是情况表或名单，已跳过。`,
  duplicateRegion: (name: string, line: number) => `“${name}”在第${line}行已经出现过。`,
  checkedOverTotal: (name: string, checked: number, total: number) =>
    `“${name}”检查数${checked}大于运行数${total}。`,
  failedOverChecked: (name: string, failed: number, checked: number) =>
    `“${name}”不合格数${failed}大于检查数${checked}。`,
  proseNumbersInconsistent: (line: number, channel: Channel) =>
    `第${line}行：正文中${channelName[channel]}的运行数、检查数和不合格数对不上，只保留写明的合格率，数字请核对原文。`,
  sumDiffers: (line: number, channel: Channel, k: keyof typeof kName, stated: number, sum: number) =>
    `第${line}行：${channelName[channel]}合计行的${kName[k]}是${stated}，各地区相加是${sum}。`,
  passFailDiffers: (line: number, name: string, passed: number, failed: number, checked: number) =>
    `第${line}行：“${name}”合格${passed}加不合格${failed}不等于检查数${checked}。`,
  rateDiffers: (line: number, name: string, isFail: boolean, stated: number, computed: number) =>
    `第${line}行：“${name}”写的${isFail ? '不合格率' : '合格率'}是${stated}%，按数字算是${pct(computed)}。`,
  proseDiffers: (channel: Channel, k: keyof typeof kName, prose: number, table: number) =>
    `正文中${channelName[channel]}的${kName[k]}是${prose}，情况表合计是${table}。`,
  listCountDiffers: (channel: Channel, named: number, failed: number) =>
    `${channelName[channel]}不合格名单列出${named}项，情况表中不合格数是${failed}。`,
  noTotalRow: (channel: Channel) => `${channelName[channel]}情况表没有合计行，总体数字按各地区相加。`,
  checkedAssumed: (channel: Channel) => `正文没有写${channelName[channel]}的检查数，按运行数计。`,
  mappedToDepts: (text: string, depts: string) => `名单中所属地区为“${text}”的条目归入“${depts}”。`,
  regionFromName: (subject: string, region: string) => `“${subject}”没有注明地区，按名称归入“${region}”。`,
  regionUnknown: (subject: string, scope: string) => `“${subject}”没有注明地区，归入通报范围“${scope}”。`,
  inherited: (line: number, seq: number | undefined, parts: string[]) =>
    `第${line}行${seqText(seq)}沿用上一行的${parts.join('、')}（合并单元格）。`,
  duplicateItem: (line: number, subject: string) => `第${line}行：“${subject}”在名单中重复，只计一次。`,
  problemNotStated: '未注明问题',

  reportTitle: (title: string) => `通报：${title}`,
  reportRound: (key: string, period: string, scope: string) => `期次：${period}（${key}），范围：${scope}`,
  reportIssuer: (issuer: string, doc: string | undefined, issued: string | undefined) =>
    `发文：${issuer}${doc ? ` ${doc}` : ''}${issued ? `，${issued}印发` : ''}`,
  reportAsOf: (d: string) => `检查结果截至：${d}`,
  reportDeadline: (d: string, time: string | undefined, to: string | undefined) =>
    `整改报送截止：${d}${time ? ` ${time}` : ''}${to ? `，报${to}` : ''}`,
  reportNoDeadline: '整改报送截止：通报中没有找到',
  reportSection: (title: string) => `【${title}】`,
  reportTally: (
    region: string,
    total: ReportCount | undefined,
    checked: ReportCount | undefined,
    failed: ReportCount | undefined,
    computed: string | undefined,
    stated: string | undefined,
  ) =>
    `${region}：${(
      [
        ['运行', total],
        ['检查', checked],
        ['不合格', failed],
      ] as const
    )
      .map(([label, c]) => `${label}${c ? `${c.n}${c.derived ? '（推算）' : ''}` : '—'}`)
      .join('，')}${computed ? `，${computed}` : ''}${stated ? `；通报所列${stated}` : ''}`,
  reportFailRate: (rate: string) => `不合格率${rate}`,
  reportPlatform: (platform: string, total: number | undefined, rate: string | undefined) =>
    `　其中${platform}：${[total !== undefined ? `${total}个` : '', rate ?? ''].filter(Boolean).join('，')}`,
  reportFailure: (
    i: number,
    region: string,
    subject: string,
    platform: string | undefined,
    problem: string,
    veto: boolean,
  ) =>
    `${i}. ${region}　${platform ? `【${platform}】` : ''}${subject}：${problem}${veto ? '［单项否决］' : ''}`,
  reportFailuresNone: '无',
  reportMention: (kind: 'praised' | 'criticised', name: string) =>
    `${kind === 'praised' ? '表扬' : '批评'}：${name}`,
  reportNewRegion: (name: string, parent: string) => `新增地区：${name}（属${parent}）`,
  reportNote: (text: string) => `说明：${text}`,
  reportWarning: (text: string) => `⚠ ${text}`,
  reportPreview: '以上为预览，没有写入。确认无误后加 --apply 导入。',
  reportApplied: (key: string) => `已导入 ${key}。`,
  reportUnchanged: (key: string) => `${key} 与已导入的内容相同，没有改动。`,
  reportReplaced: (key: string) => `已用新内容替换 ${key}。`,
  usage:
    '用法：npm run import -- <通报文件（.txt/.docx/.pdf/.html）或表格文件> [--issuer <地区或发文机关>] [--period <期次>] [--apply [--replace]]',
  readFailed: (file: string, reason: string) => `无法读取 ${file}：${reason}`,
  failed: (reason: string) => `导入失败：${reason}`,
};
