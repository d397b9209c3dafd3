import type { Channel, StatedRate } from './schema.ts';

/** Names and figures as every reader sees them (import previews, answers, alerts). */

export const channelName: Record<Channel, string> = { website: '政府网站', newmedia: '政务新媒体' };

/**
 * "99.54%"; a round with nothing checked has no rate. Rounding never hides a failure: 1 failed
 * of 150,000 is "<0.01%", not "0.00%", and its pass rate ">99.99%", not "100.00%".
 */
export function percent(numerator: number, denominator: number): string {
  if (denominator === 0) return '—';
  const text = ((numerator / denominator) * 100).toFixed(2);
  if (text === '0.00' && numerator > 0) return '<0.01%';
  if (text === '100.00' && numerator < denominator) return '>99.99%';
  return `${text}%`;
}

const quarterNames = ['一', '二', '三', '四'];

/** 2020Q1 → 2020年第一季度, 2023-09 → 2023年9月, 2020H2 → 2020年下半年. */
export function periodLabel(period: string): string {
  const year = period.slice(0, 4);
  const q = period.match(/Q([1-4])$/);
  if (q) return `${year}年第${quarterNames[Number(q[1]) - 1]}季度`;
  const h = period.match(/H([12])$/);
  if (h) return `${year}年${h[1] === '1' ? '上' : '下'}半年`;
  const m = period.match(/-(\d{2})$/);
  return m ? `${year}年${Number(m[1])}月` : period;
}

/** A stated rate as written: 合格率95.7%, 不合格率低于5%. */
export function statedRateText(r: StatedRate): string {
  const bound = r.bound === 'below' ? '低于' : r.bound === 'above' ? '高于' : '';
  return `${r.kind === 'pass' ? '合格率' : '不合格率'}${bound}${r.value.toFixed(r.decimals)}%`;
}
