/** The line every answer drawn from the shipped sample notice starts with (handlers/sample.ts). */
export const SAMPLE_LINE =
  '示例数据：以下内容来自系统自带的示例通报（福建省人民政府办公厅2020年第一季度），仅供演示；导入其他地区的检查通报后即不再使用。';
