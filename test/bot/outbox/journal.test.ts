import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal } from '../../../bot/outbox/journal.ts';
import type { Entry } from '../../../bot/outbox/schema.ts';

const entry = (key: string, over: Partial<Entry> = {}): Omit<Entry, 'reply'> => ({
  seq: 0,
  key,
  groupId: 'fz',
  kind: 'alert',
  items: [],
  status: 'pending',
  attempts: 0,
  createdAt: '2020-04-14T01:00:00.000Z',
  nextAt: '2020-04-14T01:00:00.000Z',
  ...over,
});
const reply = { title: '标题', lines: ['一行'], mentions: [] };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'journal-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('outbox Journal', () => {
  it('appends a status change as one short line, keeping the text from the first row', async () => {
    const j = await Journal.open(dir);
    await j.append([{ entry: entry('a'), reply }]);
    await j.append([{ entry: entry('a', { status: 'sending', attempts: 1 }) }]);
    const lines = (await readFile(j.logFile, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).not.toContain('标题');
    expect(j.get('a')).toMatchObject({ status: 'sending', attempts: 1, reply });
  });

  it('replays the log on open and folds it into the snapshot', async () => {
    const j = await Journal.open(dir);
    await j.append([
      { entry: entry('a'), reply },
      { entry: entry('b', { seq: 1 }), reply },
    ]);
    await j.append([{ entry: entry('a', { status: 'sent', sentAt: '2020-04-14T01:00:01.000Z' }) }]);
    const reopened = await Journal.open(dir);
    expect(reopened.state.entries.map((e) => [e.key, e.status])).toEqual([
      ['a', 'sent'],
      ['b', 'pending'],
    ]);
    expect(reopened.state.nextSeq).toBe(2);
    expect((await stat(reopened.logFile)).size).toBe(0);
    expect(JSON.parse(await readFile(reopened.snapshotFile, 'utf8')).entries).toHaveLength(2);
  });

  it('drops a torn last line and says so: an append the crash cut short was never acknowledged', async () => {
    const j = await Journal.open(dir);
    await j.append([{ entry: entry('a'), reply }]);
    await appendFile(j.logFile, '{"entry":{"key":"a","stat');
    const warnings: string[] = [];
    expect((await Journal.open(dir, { warn: (m) => warnings.push(m) })).get('a')?.status).toBe('pending');
    expect(warnings).toEqual([expect.stringMatching(/outbox\.log 第2行是写到一半的最后一行/)]);
  });

  it('stops the start naming file and line when a line in the middle is bad, instead of losing what follows', async () => {
    // Issue 11: one unparseable line in the middle made the start drop every later change — sent
    // alerts were sent again without the re-send note, queued ones vanished.
    const j = await Journal.open(dir);
    await j.append([{ entry: entry('sent'), reply }]);
    await j.append([{ entry: entry('sent', { status: 'sent', sentAt: '2020-04-14T01:00:01.000Z' }) }]);
    await j.append([{ entry: entry('queued', { seq: 1 }), reply }]);
    const lines = (await readFile(j.logFile, 'utf8')).split('\n');
    lines.splice(1, 0, '{"entry":{"key":"x","status":"sent"'); // a garbled line before the rest
    await writeFile(j.logFile, lines.join('\n'));
    await expect(Journal.open(dir)).rejects.toThrow(/outbox\.log 第2行无法读取/);
    // The same for a line that is JSON but not an outbox row.
    lines[1] = '{"entry":{"key":"x"}}';
    await writeFile(j.logFile, lines.join('\n'));
    await expect(Journal.open(dir)).rejects.toThrow(/outbox\.log 第2行无法读取（not an outbox row/);
    // Nothing was folded or cut: once the line is removed, every change is there.
    lines.splice(1, 1);
    await writeFile(j.logFile, lines.join('\n'));
    const reopened = await Journal.open(dir);
    expect(reopened.get('sent')?.status).toBe('sent');
    expect(reopened.get('queued')?.status).toBe('pending');
  });

  it('replays lines already folded in without harm (a crash between snapshot and emptying the log)', async () => {
    const j = await Journal.open(dir);
    await j.append([{ entry: entry('a'), reply }]);
    await j.append([{ entry: entry('a', { status: 'sending', attempts: 1 }) }]);
    const log = await readFile(j.logFile, 'utf8');
    await j.fold();
    await writeFile(j.logFile, log);
    const reopened = await Journal.open(dir);
    expect(reopened.state.entries).toHaveLength(1);
    expect(reopened.get('a')).toMatchObject({ status: 'sending', attempts: 1, reply });
  });

  it('drops a text when asked, and refuses a snapshot from a newer bot', async () => {
    const j = await Journal.open(dir);
    await j.append([{ entry: entry('a'), reply }]);
    await j.append([{ entry: entry('a', { status: 'sending' }), dropReply: true }]);
    expect(j.get('a')?.reply).toBeUndefined();
    await writeFile(j.snapshotFile, JSON.stringify({ version: 99, nextSeq: 0, entries: [] }));
    await rm(j.logFile);
    await expect(Journal.open(dir)).rejects.toThrow(/version 99, newer than this bot understands/);
  });

  it('refuses an invalid row before writing it', async () => {
    const j = await Journal.open(dir);
    await expect(j.append([{ entry: { ...entry('a'), status: 'lost' as never } }])).rejects.toThrow();
    await expect(stat(j.logFile)).rejects.toThrow();
    expect(j.get('a')).toBeUndefined();
  });
});
