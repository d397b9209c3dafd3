/** The period a notice covers, as stored: 2020Q1, 2020H1, 2023-09. */

const CN_DIGIT: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4 };

export function periodIn(text: string): string | undefined {
  const q = text.match(/(\d{4})年(?:度)?第?([一二三四1-4])季度/);
  if (q) return `${q[1]}Q${CN_DIGIT[q[2] ?? ''] ?? Number(q[2])}`;
  // 于2023年11月15至11月20日…对…第四季度运行情况进行了检查: the year stated earlier in the sentence.
  const later = text.match(/(\d{4})年[^。;；]{0,60}?第?([一二三四])季度/);
  if (later) return `${later[1]}Q${CN_DIGIT[later[2] ?? '']}`;
  const h = text.match(/(\d{4})年(上|下)半年/);
  if (h) return `${h[1]}H${h[2] === '上' ? 1 : 2}`;
  const m = text.match(/(\d{4})年(\d{1,2})月(?!\d)/);
  if (m) {
    const month = Number(m[2]);
    if (month >= 1 && month <= 12) return `${m[1]}-${String(month).padStart(2, '0')}`;
  }
  return undefined;
}
