import type { FileKind } from './file-kind.ts';

const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/** Every sentence about a file the importer cannot read (data/import/file-kind.ts). */
export const fileText = {
  missing: (given: string, abs: string) =>
    given === abs ? `找不到文件“${given}”。` : `找不到文件“${given}”（按当前目录解析为 ${abs}）。`,
  isDirectory: (given: string) => `“${given}”是一个文件夹，不是文件：请给出其中的通报或表格文件。`,
  notRegular: (given: string) => `“${given}”不是普通文件，无法导入。`,
  noPermission: (given: string) => `没有权限读取“${given}”：请检查文件权限。`,
  unreadable: (given: string, code: string) => `无法读取“${given}”（${code}）。`,
  tooLarge: (given: string, size: number, limit: number) =>
    `“${given}”有${mb(size)}，超过通报文件${mb(limit)}的上限：请确认选对了文件。`,
  empty: (given: string) => `“${given}”是空文件（0 字节），没有可导入的内容。`,
  namedAs: (ext: string) => `（扩展名却是 ${ext}）`,
  broken: (given: string, what: string) => `“${given}”看起来是${what}，但内容已损坏，无法读取。`,
  pdfWithoutText: (given: string) =>
    `“${given}”是没有文字层的 PDF（扫描件），无法读取文字：请使用原文的 .docx、网页或带文字层的 PDF。`,
  noText: (given: string) => `“${given}”中没有可读的文字。`,
  refused: (given: string, what: string, named: string, advice: string, accepted: string[]) =>
    `无法导入“${given}”：它是${what}${named}。${advice}${accepted.length > 0 ? `（可导入：${accepted.join('、')}）` : ''}`,
  kindName: {
    xlsx: 'Excel 表格（.xlsx）',
    docx: 'Word 文档（.docx）',
    zip: 'zip 压缩包',
    xls: '旧版 Excel 表格（.xls）',
    doc: '旧版 Word 文档（.doc）',
    ole: '旧版 Office 文件（.xls/.doc）',
    pdf: 'PDF 文件',
    html: '网页（HTML）',
    csv: 'CSV 表格',
    text: '文本文件',
    rtf: 'RTF 文档',
    image: '图片',
    archive: '压缩包',
    empty: '空文件',
    binary: '二进制数据，不是文字',
  } satisfies Record<FileKind, string>,
  advice: {
    xlsx: '请把扩展名改为 .xlsx 后再导入。',
    docx: '请把扩展名改为 .docx 后再导入。',
    zip: '请先解压，再逐个导入其中的通报或表格。',
    xls: '请用 Excel 或 WPS 另存为 .xlsx 后再导入。',
    doc: '请用 Word 或 WPS 另存为 .docx 或 .txt 后再导入。',
    ole: '请用 Excel、Word 或 WPS 另存为 .xlsx（表格）或 .docx/.txt（通报）后再导入。',
    pdf: '请把扩展名改为 .pdf 后再导入。',
    html: '请把扩展名改为 .html 后再导入。',
    csv: '请把扩展名改为 .csv 后再导入。',
    text: '请把扩展名改为 .txt（通报）或 .csv（表格）后再导入。',
    rtf: '请另存为 .docx 或 .txt 后再导入。',
    image: '图片中的文字无法读取：请导入通报的文字版或 .xlsx/.csv 表格。',
    archive: '请先解压，再逐个导入其中的通报或表格。',
    empty: '',
    binary: '请导入通报文本或 .xlsx/.csv 表格。',
  } satisfies Record<FileKind, string>,
};
