import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SeenIds } from '../../data/seen.ts';

const t0 = new Date('2020-04-15T09:00:00+08:00');
const hours = (h: number) => new Date(t0.getTime() + h * 3600_000);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'seen-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const snapshot = async () => JSON.parse(await readFile(path.join(dir, 'inbox.json'), 'utf8')).seen;
const journal = async () => (await readFile(path.join(dir, 'inbox.log'), 'utf8')).split('\n').filter(Boolean);

describe('SeenIds.mark()', () => {
  it('writes the first id as a snapshot, then appends later ones to the journal', async () => {
    const seen = await SeenIds.open(dir);
    await seen.mark('wecom:m1', t0);
    await seen.mark('wecom:m2', hours(1));
    expect(Object.keys(await snapshot())).toEqual(['wecom:m1']);
    expect(await journal()).toEqual([`${hours(1).toISOString()}\twecom:m2`]);
    await seen.close();
  });

  it('appends every id marked while a write is on disk in one following write', async () => {
    const seen = await SeenIds.open(dir);
    const first = seen.mark('dingtalk:first', t0);
    await new Promise((r) => setTimeout(r, 0));
    const rest = Array.from({ length: 49 }, (_, i) => seen.mark(`dingtalk:${i}`, t0));
    expect(await Promise.all([first, ...rest])).toEqual(Array(50).fill(true));
    expect(seen.writes).toEqual({ snapshots: 1, appends: 1 });
    expect(await journal()).toHaveLength(49);
    await seen.close();
  });

  it('counts one of two racing deliveries of the same id as new', async () => {
    const seen = await SeenIds.open(dir);
    expect((await Promise.all([seen.mark('wecom:m1', t0), seen.mark('wecom:m1', t0)])).sort()).toEqual([false, true]);
    await seen.close();
  });

  it('reads the snapshot and the journal back after a restart, skipping a torn last line', async () => {
    const before = await SeenIds.open(dir);
    await before.mark('wecom:m1', t0);
    await before.mark('wecom:m2', t0);
    await before.close();
    await writeFile(path.join(dir, 'inbox.log'), `${(await readFile(path.join(dir, 'inbox.log'), 'utf8'))}2020-04-15T0`);
    const warnings: string[] = [];
    const after = await SeenIds.open(dir, { warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringMatching(/inbox\.log 第\d+行是写到一半的最后一行/)]);
    expect(await after.mark('wecom:m1', hours(1))).toBe(false);
    expect(await after.mark('wecom:m2', hours(1))).toBe(false);
    expect(await after.mark('wecom:m3', hours(1))).toBe(true);
    await after.close();
  });

  it('stops naming file and line when a line in the middle of inbox.log is bad', async () => {
    const before = await SeenIds.open(dir);
    await before.mark('wecom:m1', t0);
    await before.mark('wecom:m2', t0);
    await before.mark('wecom:m3', t0);
    await before.close();
    const lines = (await readFile(path.join(dir, 'inbox.log'), 'utf8')).split('\n');
    lines[0] = 'garbage';
    await writeFile(path.join(dir, 'inbox.log'), lines.join('\n'));
    await expect(SeenIds.open(dir)).rejects.toThrow(/inbox\.log 第1行无法读取/);
  });

  it('folds the journal into the snapshot once half of the ids have expired', async () => {
    const seen = await SeenIds.open(dir);
    await seen.mark('wecom:old', t0);
    await seen.mark('wecom:new', hours(49));
    expect(Object.keys(await snapshot())).toEqual(['wecom:new']);
    expect(await journal()).toEqual([]);
    await seen.close();
  });

  it('forgets an id whose write failed, so the redelivery is answered', async () => {
    const seen = await SeenIds.open(dir);
    await mkdir(path.join(dir, 'inbox.json', 'blocker'), { recursive: true });
    await expect(seen.mark('wecom:m1', t0)).rejects.toThrow();
    await rm(path.join(dir, 'inbox.json'), { recursive: true });
    expect(await seen.mark('wecom:m1', t0)).toBe(true);
    await seen.close();
  });
});
