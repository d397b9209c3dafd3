import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Subscriptions } from '../../../bot/alerts/subscriptions.ts';
import { runMigrate } from '../../../bot/cli/migrate.ts';
import { makeGroups } from '../../../bot/groups.ts';
import { Journal } from '../../../bot/outbox/journal.ts';
import { Outbox } from '../../../bot/outbox/queue.ts';
import { TaskStore } from '../../../bot/reminders/task-store.ts';
import { LowStore } from '../../../data/store.ts';
import { reply } from '../../../handlers/reply.ts';
import { wecomGroup } from '../../support/alert-world.ts';
import { freshSchema, withPostgres } from '../../support/postgres.ts';
import { seedStore } from '../../support/stores.ts';

/** `npm run migrate`: a lowdb directory into PostgreSQL and back, nothing lost on the way. */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

const at = new Date('2020-04-15T09:00:00+08:00');
const groups = makeGroups([wecomGroup('fz', ['福州'])]);

async function tmpdir() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'migrate-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A chat import previewed and waiting for /apply. */
const waiting = {
  key: { platform: 'dingtalk', chat: 'cid1', user: '$:LWCP_v1:$abc' },
  pending: { text: '通报全文', at: at.toISOString(), expiresAt: '2020-04-15T01:30:00.000Z', drops: false, roundKey: '2020Q2@35' },
};

/**
 * A data directory a bot has used: the seeded round, a /sub, a /done, a sent and a waiting push, a
 * seen id, a chat import waiting for /apply, and the audit trail.
 */
async function usedDirectory(): Promise<string> {
  const dir = await tmpdir();
  const store = await LowStore.open(dir);
  await seedStore(store);
  await store.markSeen('wecom:m1', new Date());
  await store.pendingImports.put(waiting.key, waiting.pending, at);
  await store.audit({ at: at.toISOString(), platform: 'wecom', userId: 'zhangsan', group: 'fz', action: 'task.closed', detail: { items: ['t1'] } });
  await store.close();
  const subs = await Subscriptions.open(dir, groups);
  const data = store.dataset();
  await subs.add('fz', { kind: 'region', region: data.regions.resolve('厦门')!.region }, data);
  await subs.markScanned({ roundKey: '2020Q1@35', at: at.toISOString() });
  const tasks = await TaskStore.open(dir);
  await tasks.close(['t1'], 'zhangsan', at);
  await tasks.markSent('t2|before-1', ['fz'], at);
  const outbox = await Outbox.open(dir);
  await outbox.enqueueAll(
    [
      { key: 'a1', groupId: 'fz', kind: 'alert', reply: reply('已发送'), items: ['i1'] },
      { key: 'a2', groupId: 'fz', kind: 'alert', reply: reply('待发送') },
    ],
    at,
  );
  await outbox.begin('a1', at);
  await outbox.markSent('a1', at);
  await outbox.close();
  return dir;
}

describe.runIf(withPostgres)('runMigrate()', () => {
  it('copies a lowdb directory into PostgreSQL and back again, losing nothing', async () => {
    const db = await freshSchema();
    cleanups.push(db.drop);
    const env = { DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema };
    const source = await usedDirectory();
    const lines: string[] = [];
    expect(await runMigrate(['--to', 'postgres', '--from', source], env, (l) => lines.push(l))).toBe(0);
    expect(lines[0]).toBe('已复制到数据库：');
    expect(lines).toContain('  检查期次：1');
    expect(lines).toContain('  推送消息（含已发送、待发送、失败）：2');
    expect(lines).toContain('  待确认的群内导入：1');
    expect(lines).toContain('  变更记录（审计）：2');

    const back = await tmpdir();
    expect(await runMigrate(['--to', 'lowdb', '--into', back], env, () => {})).toBe(0);
    const original = await LowStore.open(source);
    const copy = await LowStore.open(back);
    cleanups.push(() => original.close(), () => copy.close());
    expect(copy.dataset().register).toEqual(original.dataset().register);
    expect(copy.dataset().rounds.map((v) => v.file)).toEqual(original.dataset().rounds.map((v) => v.file));
    expect(copy.state.data.lastImport).toEqual(original.state.data.lastImport);
    expect((await copy.seenIds()).map((s) => s.key)).toEqual(['wecom:m1']);
    expect(await copy.pendingImports.all()).toEqual([waiting]);
    expect(await copy.auditLog(10)).toEqual(await original.auditLog(10));
    expect((await copy.auditLog(10)).map((e) => e.action)).toEqual(['task.closed', 'round.imported']);
    expect((await Subscriptions.open(back, groups)).exportAll()).toEqual((await Subscriptions.open(source, groups)).exportAll());
    expect((await TaskStore.open(back)).data).toEqual((await TaskStore.open(source)).data);
    const entries = (await Journal.peek(back))!.entries;
    expect(entries.map((e) => [e.key, e.status, e.items])).toEqual([
      ['a1', 'sent', ['i1']],
      ['a2', 'pending', []],
    ]);
  });

  it('refuses a database that already holds data, and changes nothing', async () => {
    const db = await freshSchema();
    cleanups.push(db.drop);
    const env = { DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema };
    expect(await runMigrate(['--to', 'postgres', '--from', await usedDirectory()], env, () => {})).toBe(0);
    const lines: string[] = [];
    expect(await runMigrate(['--to', 'postgres', '--from', await usedDirectory()], env, (l) => lines.push(l))).toBe(1);
    expect(lines[0]).toMatch(/^目标数据库已有数据（检查期次、改过订阅的群、整改任务记录.*），未复制任何内容/);
  });

  it('refuses a directory that already holds a store', async () => {
    const db = await freshSchema();
    cleanups.push(db.drop);
    const used = await usedDirectory();
    const before = (await readdir(used)).sort();
    const lines: string[] = [];
    expect(await runMigrate(['--to', 'lowdb', '--into', used], { DATABASE_URL: db.url, DATABASE_SCHEMA: db.schema }, (l) => lines.push(l))).toBe(1);
    expect(lines[0]).toContain('已有数据');
    expect((await readdir(used)).sort()).toEqual(before);
  });

  it('explains its usage and the missing database', async () => {
    const lines: string[] = [];
    expect(await runMigrate(['--to', 'mysql'], {}, (l) => lines.push(l))).toBe(2);
    expect(await runMigrate(['--to', 'postgres'], { DATABASE_URL: '' }, (l) => lines.push(l))).toBe(1);
    expect(lines).toEqual([expect.stringMatching(/^用法：npm run migrate/), expect.stringMatching(/DATABASE_URL/)]);
  });
});
