import { resentNote } from '../../handlers/text.ts';
import type { Contact, Reply } from '../../handlers/reply.ts';
import type { Pusher } from '../platforms/platform.ts';

/**
 * Merges many items for one group into as few messages as the platform's byte limit allows
 * (WeCom markdown 4,096 bytes, DingTalk 20,000: protocols.md §1.2, §4.4), never splitting an item
 * or its mentions across messages. Each message of several says which part it is.
 */

export interface DigestItem {
  lines: string[];
  mentions: Contact[];
  /** Idempotency keys of what the item reports, carried by the part it lands in. */
  keys?: string[];
}

export interface DigestPart {
  reply: Reply;
  keys: string[];
}

export interface DigestInput {
  title: string;
  /** Lines before the first item (first part only). */
  head: string[];
  items: DigestItem[];
  /** Lines after the last item (last part only). */
  foot?: string[];
}

export type Fits = (reply: Reply) => boolean;

/**
 * Whether the pusher sends `reply` whole: within maxBytes and not cut by its renderer (the last
 * line survives). Room is kept for the note a re-sent message carries (bot/outbox/drain.ts).
 */
export function fitsPusher(pusher: Pusher): Fits {
  return (reply) => {
    const probe = { ...reply, lines: [...reply.lines, resentNote] };
    const rendered = pusher.render(probe);
    if (rendered.bytes > pusher.maxBytes) return false;
    return JSON.stringify(rendered.body).includes(JSON.stringify(resentNote).slice(1, -1));
  };
}

/** Packs items greedily in order; `label(k, n)` titles part k of n when there are several. */
export function digest(
  input: DigestInput,
  fits: Fits,
  label: (k: number, n: number) => string,
): DigestPart[] {
  const widest = label(999, 999);
  const build = (items: DigestItem[], first: boolean, last: boolean, suffix: string): Reply => ({
    title: `${input.title}${suffix}`,
    lines: [
      ...(first ? input.head : []),
      ...items.flatMap((i) => i.lines),
      ...(last ? (input.foot ?? []) : []),
    ],
    mentions: uniqueContacts(items.flatMap((i) => i.mentions)),
  });
  // Each part takes as many items as fit (greedy, in order). Whether a prefix fits only gets
  // worse as it grows, so the longest is found by galloping from the last part's length instead
  // of rendering the part again for every item added (quadratic for a 2,000-item alert).
  const parts: DigestItem[][] = [];
  let guess = 1;
  for (let i = 0; i < input.items.length; ) {
    const first = parts.length === 0;
    const raw = input.items[i]!;
    const lead = fits(build([raw], first, false, widest))
      ? raw
      : shrink(raw, (item) => fits(build([item], first, false, widest)));
    const prefix = (m: number) => [lead, ...input.items.slice(i + 1, i + m)];
    const m = longest((k) => fits(build(prefix(k), first, false, widest)), input.items.length - i, guess);
    parts.push(prefix(m));
    guess = m;
    i += m;
  }
  if (parts.length === 0) parts.push([]);
  // The foot must fit in the last part too; otherwise it gets a part of its own.
  const lastItems = parts.at(-1)!;
  if (
    input.foot?.length &&
    !fits(build(lastItems, parts.length === 1, true, widest)) &&
    lastItems.length > 0
  ) {
    parts.push([]);
  }
  const n = parts.length;
  return parts.map((items, k) => ({
    reply: build(items, k === 0, k === n - 1, n > 1 ? label(k + 1, n) : ''),
    keys: items.flatMap((i) => i.keys ?? []),
  }));
}

/**
 * The largest m in [1, max] with ok(m), given ok(1) and that ok stays false once false: a probe at
 * the guess, a gallop from there, then bisection (a few renders per part, not one per item).
 */
function longest(ok: (m: number) => boolean, max: number, guess: number): number {
  let lo = 1; // ok
  let hi = max + 1; // not ok (past the end)
  const g = Math.min(Math.max(guess, 1), max);
  if (g > lo) {
    if (ok(g)) lo = g;
    else hi = g;
  }
  for (let step = 1; lo + step < hi; step *= 2) {
    if (ok(lo + step)) lo += step;
    else {
      hi = lo + step;
      break;
    }
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * An item too long for a message on its own (a notice quoting a very long problem) keeps its
 * mentions and as much of its text as fits, marked with an ellipsis.
 */
function shrink(item: DigestItem, fits: (i: DigestItem) => boolean): DigestItem {
  const chars = [...item.lines.join(' ')];
  const cut = (n: number): DigestItem => ({ ...item, lines: [`${chars.slice(0, n).join('')}…`] });
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(cut(mid))) lo = mid;
    else hi = mid - 1;
  }
  return cut(lo);
}

export function uniqueContacts(list: Contact[]): Contact[] {
  const seen = new Set<string>();
  return list.filter((c) => {
    const id = JSON.stringify([c.wecomUserId, c.dingtalkUserId, c.mobile, c.name]);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
