/** Spreadsheet limits (data/import/sheet/limits.ts): each refusal names the limit. */
const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

export const limitText = {
  fileTooLarge: (size: number, limit: number) =>
    `文件大小为${mb(size)}，超过导入上限${mb(limit)}：请拆分后分别导入`,
  unzippedTooLarge: (limit: number) =>
    `表格解压后超过${mb(limit)}的上限（可能是压缩炸弹或损坏的文件），已拒绝读取`,
  cellTooLong: (length: number, limit: number) =>
    `单元格有${length}个字符，超过每格${limit}个字符的上限（Excel 单元格的上限）`,
  unreadableCsv:
    '无法按 CSV 读取此文件（引号不成对或格式损坏）：请用 Excel 或 WPS 打开后另存为 CSV（UTF-8）再导入',
  rowTooLong: (chars: number, cell: number) =>
    `这一行超过${chars}个字符（每格上限${cell}个字符）：可能有引号不成对，请检查`,
  damaged: '文件已损坏或不是有效的 .xlsx 表格：请用 Excel 或 WPS 打开后另存为 .xlsx 再导入',
};
