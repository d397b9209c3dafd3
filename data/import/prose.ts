import type { Channel } from '../schema.ts';
import type { Line } from './lines.ts';

/** Results stated in sentences, for one channel: 全省正在运行政府网站842个,其中:合格826个,不合格16个,合格率为98.1%. */
export interface ProseTally {
  channel: Channel;
  line: number;
  total?: number;
  checked?: number;
  passed?: number;
  failed?: number;
  rate?: { kind: 'pass' | 'fail'; value: number; decimals: number };
  /** 检查覆盖面100% / 全覆盖: everything running was checked. */
  fullCoverage: boolean;
}

export interface ProseName {
  channel?: Channel;
  name: string;
  problem?: string;
  line: number;
  sentence: string;
}

export interface ProseFindings {
  tallies: Map<Channel, ProseTally>;
  failures: ProseName[];
  praised: ProseName[];
  criticised: ProseName[];
}

interface Sentence {
  text: string;
  line: number;
}

function sentences(lines: Line[]): Sentence[] {
  const out: Sentence[] = [];
  for (const l of lines) {
    for (const part of l.text.split(/[。;；!！]/)) if (part) out.push({ text: part, line: l.no });
  }
  return out;
}

const KEYWORDS: Array<[RegExp, Channel]> = [
  [/政务新媒体|新媒体|公众号|微博|账号/g, 'newmedia'],
  [/政府网站|网站/g, 'website'],
];

/** Splits a sentence into runs that each speak of one channel. */
function channelRuns(text: string): Array<{ channel: Channel; text: string }> {
  const marks: Array<{ at: number; channel: Channel }> = [];
  for (const [re, channel] of KEYWORDS) {
    for (const m of text.matchAll(re)) {
      if (!marks.some((x) => m.index >= x.at && m.index < x.at + 5 && x.channel !== channel))
        marks.push({ at: m.index, channel });
    }
  }
  marks.sort((a, b) => a.at - b.at);
  const runs: Array<{ channel: Channel; text: string }> = [];
  let k = 0;
  while (k < marks.length) {
    const cur = marks[k] as { at: number; channel: Channel };
    let j = k + 1;
    while (j < marks.length && (marks[j] as { channel: Channel }).channel === cur.channel) j++;
    runs.push({ channel: cur.channel, text: text.slice(cur.at, marks[j]?.at ?? text.length) });
    k = j;
  }
  return runs;
}

const TOTAL_BEFORE =
  /(?:共有?|运行(?:的)?|备案(?:的)?|开设(?:的)?)(政府网站|政务新媒体)(?:共有?|总数为?)?(\d+)个/;
const TOTAL_AFTER = /(政府网站|政务新媒体)(?:共有?|总数为?|总计)(\d+)个/;
const CHECKED_LIST = /(?:检查|抽查|监测)(?:了)?((?:(?:政府网站|政务新媒体)(?:共)?\d+个[、,和及]?)+)/;
const CHECKED = /(?:检查|抽查|监测)(?:了)?(?:政府网站|政务新媒体|网站|账号)?(?:共)?(\d+)个/;
const FAILED =
  /(?:有)?(\d+)个(?:网站|账号)?不合格|不合格(?:的)?(?:网站|账号|政府网站|政务新媒体)?(?:共|有)?(\d+)个/;
const PASSED = /(?<!不)合格(?:的)?(?:网站|账号|政府网站|政务新媒体)?(?:共|有)?(\d+)个/;
const RATE = /(不)?合格率(?:为|是|达到?|仅为?)?(\d+(?:\.(\d+))?)%/;
const COVERAGE = /覆盖面(?:达到?|为)?100%|全覆盖|全部检查/;

/** Overall numbers in prose, per channel; the first figure found for each field wins. */
function proseTallies(all: Sentence[]): Map<Channel, ProseTally> {
  const out = new Map<Channel, ProseTally>();
  const get = (channel: Channel, line: number) => {
    let t = out.get(channel);
    if (!t) {
      t = { channel, line, fullCoverage: false };
      out.set(channel, t);
    }
    return t;
  };
  let coverage = false;
  for (const s of all) {
    if (COVERAGE.test(s.text)) coverage = true;
    if (!/\d/.test(s.text)) continue;
    for (const re of [TOTAL_BEFORE, TOTAL_AFTER]) {
      const m = s.text.match(re);
      if (m?.[1] && m[2]) {
        const t = get(m[1] === '政府网站' ? 'website' : 'newmedia', s.line);
        t.total ??= Number(m[2]);
      }
    }
    const list = s.text.match(CHECKED_LIST)?.[1];
    for (const m of list ? list.matchAll(/(政府网站|政务新媒体)(?:共)?(\d+)个/g) : []) {
      const t = get(m[1] === '政府网站' ? 'website' : 'newmedia', s.line);
      t.checked ??= Number(m[2]);
    }
    for (const run of channelRuns(s.text)) {
      const failed = run.text.match(FAILED);
      const passed = run.text.match(PASSED);
      const rate = run.text.match(RATE);
      const checked = run.text.match(CHECKED);
      if (!failed && !passed && !rate && !checked) continue;
      const t = get(run.channel, s.line);
      if (failed) t.failed ??= Number(failed[1] ?? failed[2]);
      if (passed) t.passed ??= Number(passed[1]);
      if (checked) t.checked ??= Number(checked[1]);
      if (rate?.[2])
        t.rate ??= {
          kind: rate[1] ? 'fail' : 'pass',
          value: Number(rate[2]),
          decimals: rate[3]?.length ?? 0,
        };
    }
  }
  for (const t of out.values()) t.fullCoverage = coverage;
  return out;
}

function splitNames(list: string): string[] {
  return list
    .replace(/等\d*个?(?:单位|网站|账号|政务新媒体)?$/, '')
    .split(/[、,，]/)
    .map((n) => n.replace(/^[“"《「]|[”"》」]$/g, '').trim())
    .filter((n) => n.length >= 2 && n.length <= 40 && !/\d+个/.test(n));
}

const NAMED_FAILURES =
  /不合格(?:的)?(?:政府网站|网站|政务新媒体|新媒体|账号)?(?:分别)?(?:是|为|有|包括)[:：]?(.+)$/;
const PRAISE = /对(.+?)(?:等(?:\d+个)?(?:单位|网站|账号|政务新媒体)?)?(?:予以|给予|进行)?通报表扬/;
const CRITICISE = /对(.+?)(?:等(?:\d+个)?(?:单位|网站|账号|政务新媒体)?)?(?:予以|给予|进行)?通报批评/;

/** Named failures (不合格网站为：…) and mentions (予以通报表扬 / 通报批评), never mixed. */
function proseNames(all: Sentence[]): Pick<ProseFindings, 'failures' | 'praised' | 'criticised'> {
  const failures: ProseName[] = [];
  const praised: ProseName[] = [];
  const criticised: ProseName[] = [];
  for (const s of all) {
    const channel = channelRuns(s.text)[0]?.channel;
    const p = s.text.match(PRAISE);
    if (p?.[1]) {
      for (const name of splitNames(p[1]))
        praised.push({ name, line: s.line, sentence: s.text, ...(channel ? { channel } : {}) });
      continue;
    }
    const c = s.text.match(CRITICISE);
    if (c?.[1]) {
      for (const name of splitNames(c[1]))
        criticised.push({ name, line: s.line, sentence: s.text, ...(channel ? { channel } : {}) });
      continue;
    }
    const f = s.text.match(NAMED_FAILURES);
    if (f?.[1] && !/\d+个/.test(f[1].slice(0, 4))) {
      for (const item of splitNames(f[1])) {
        const m = item.match(/^(.+?)\((.+)\)$/);
        const name = m?.[1] ?? item;
        const entry: ProseName = { name, line: s.line, sentence: s.text, ...(channel ? { channel } : {}) };
        if (m?.[2]) entry.problem = m[2];
        failures.push(entry);
      }
    }
  }
  return { failures, praised, criticised };
}

export function readProse(body: Line[]): ProseFindings {
  const all = sentences(body);
  return { tallies: proseTallies(all), ...proseNames(all) };
}
