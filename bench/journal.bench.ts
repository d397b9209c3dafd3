import { mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Journal } from '../bot/outbox/journal.ts';
import type { Entry } from '../bot/outbox/schema.ts';
import { SeenIds } from '../data/seen.ts';
import { fmt, machine, percentile, timeMs, writeSection } from './lib.ts';

/**
 * The journal engine (data/journal.ts) behind the outbox and the seen ids, against the disk it
 * sits on: the same lines appended with a bare file handle (write + fdatasync per append), in the
 * same run. Sequential appends show the engine's own cost per change; a burst of marks made at
 * once shows group commit (many lines, one fsync).
 */
const N = 400;
const BURST = 2_000;

const entry = (i: number): Omit<Entry, 'reply'> => ({
  seq: i,
  key: `alert|2020Q1@35|item-${i}|fz-web|1/1`,
  groupId: 'fz-web',
  kind: 'alert',
  items: [`alert|2020Q1@35|item-${i}|fz-web`],
  status: 'pending',
  attempts: 0,
  createdAt: '2020-04-14T01:00:00.000Z',
  nextAt: '2020-04-14T01:00:00.000Z',
});
const reply = {
  title: '【检查结果】2020年第一季度本群关注范围内1项不合格',
  lines: ['1. 福建省教育厅：栏目不更新（单项否决）'],
  mentions: [],
};

async function scratch(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'journal-bench-'));
}

/**
 * Per-append times of the engine and of a bare handle (write the line, fdatasync), interleaved
 * one by one so that both meet the same disk: the machine is shared and its disk is busy in bursts.
 */
async function interleaved(
  lines: string[],
  engine: (i: number) => Promise<unknown>,
): Promise<{ mine: number[]; base: number[] }> {
  const dir = await scratch();
  const handle = await open(path.join(dir, 'bare.log'), 'a');
  const mine: number[] = [];
  const base: number[] = [];
  for (const [i, line] of lines.entries()) {
    base.push(
      await timeMs(async () => {
        await handle.write(`${line}\n`);
        await handle.datasync();
      }),
    );
    mine.push(await timeMs(() => engine(i)));
  }
  await handle.close();
  await rm(dir, { recursive: true, force: true });
  return { mine, base };
}

const outboxDir = await scratch();
const journal = await Journal.open(outboxDir);
const outbox = await interleaved(
  Array.from({ length: N }, (_, i) => JSON.stringify({ entry: entry(i), reply })),
  (i) => journal.append([{ entry: entry(i), reply }]),
);
await journal.close();
await rm(outboxDir, { recursive: true, force: true });

const seenDir = await scratch();
const seenIds = await SeenIds.open(seenDir);
const t0 = new Date('2020-04-14T02:00:00.000Z');
await seenIds.mark('dingtalk:first', t0); // the first mark writes the snapshot
const seen = await interleaved(
  Array.from({ length: N }, (_, i) => `2020-04-14T02:00:00.000Z\tdingtalk:msg${i}`),
  (i) => seenIds.mark(`dingtalk:msg${i}`, t0),
);
const before = seenIds.writes.appends;
const burstMs = await timeMs(() =>
  Promise.all(Array.from({ length: BURST }, (_, i) => seenIds.mark(`wecom:burst${i}`, t0))),
);
const burstAppends = seenIds.writes.appends - before;
await seenIds.close();
await rm(seenDir, { recursive: true, force: true });
const bareBurstMs = percentile(seen.base, 50) * BURST;

const row = (what: string, mine: number[], base: number[]) => {
  const m50 = percentile(mine, 50);
  const b50 = percentile(base, 50);
  return `| ${what} | ${fmt(m50, 3)} ms | ${fmt(percentile(mine, 99), 3)} ms | ${fmt(b50, 3)} ms | ${fmt(m50 / b50)}× |`;
};

const markdown = `
## Journals: outbox and seen ids on one engine (bench/journal.bench.ts)

${N} appends one after another, each awaited (each is on disk, fsynced, before the next), each followed by
the same line written with a bare file handle and fdatasync (interleaved, so both meet the same disk); then ${BURST} seen ids marked at
once. ${machine()}.

| Appends | Engine p50 | Engine p99 | Bare write + fdatasync p50 | Ratio p50 |
|---|---|---|---|---|
${row('outbox row (one JSON line, validated)', outbox.mine, outbox.base)}
${row('seen id (one tab-separated line)', seen.mine, seen.base)}

A burst of ${BURST} marks made at once took ${fmt(burstMs, 1)} ms in ${burstAppends} append(s) (group commit:
one write and one fsync for every mark that arrived while the disk was busy); ${BURST} bare appends one after
another would take about ${fmt(bareBurstMs, 0)} ms (${fmt(bareBurstMs / burstMs, 1)}× longer).
`;
await writeSection('journal', markdown);
console.log(markdown);
