import { readFileSync } from 'node:fs';
import { access, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeGroups } from '../../bot/groups.ts';
import { openPendingImports } from '../../bot/imports/pending.ts';
import { silentLogger } from '../../bot/logger.ts';
import { answer } from '../../bot/pipeline.ts';
import { ImportService } from '../../data/import/service.ts';
import { SEED_NOTICE } from '../../data/import/seed.ts';
import type { PendingImport } from '../../data/pending-imports.ts';
import type { InspectionStore } from '../../data/store.ts';
import type { Sender } from '../../handlers/context.ts';
import { replyToText } from '../../handlers/reply.ts';
import { type OpenedStore, seedStore, storeKinds } from '../support/stores.ts';

/**
 * Pending chat imports live in the store (lowdb and PostgreSQL alike): a preview survives a
 * restart and, on PostgreSQL, is applied by another instance; each admin confirms their own
 * preview; the 30 minutes are counted on the pipeline's clock; an old pending-imports.json is
 * moved in once at start.
 */
const SEED = readFileSync(SEED_NOTICE, 'utf8');
const Q2 = SEED.replaceAll('第一季度', '第二季度').replaceAll('3月底', '6月底').replaceAll('2020年4月', '2020年7月');
const Q3 = SEED.replaceAll('第一季度', '第三季度').replaceAll('3月底', '9月底').replaceAll('2020年4月', '2020年10月');
const at = '2020-07-14T10:00:00+08:00';

const wang = { name: '王主任', wecomUserId: 'wangzr' };
const lin = { name: '林科长', wecomUserId: 'linkz' };
/** One group, two admins. */
const groups = makeGroups([
  {
    id: 'fj',
    name: '省政府办公厅群',
    platform: 'wecom',
    follows: { regions: ['福建省'], units: [] },
    admins: [wang, lin],
    allClear: false,
  },
]);

describe.each(storeKinds)('chat imports pending in the store ($name)', (kind) => {
  let opened: OpenedStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  async function seeded(): Promise<InspectionStore> {
    opened = await kind.open();
    return seedStore(opened.store);
  }

  function say(store: InspectionStore, text: string, when: string, as: Omit<Sender, 'platform'>): Promise<string> {
    const services = { groups, imports: new ImportService(store, silentLogger), pendingImports: store.pendingImports };
    return answer({ store, log: silentLogger, now: () => new Date(when), services }, text, { platform: 'wecom', ...as }, 'fj').then(
      replyToText,
    );
  }

  it('applies on a reopened store (another instance, or after a restart) what was previewed before', async () => {
    const first = await seeded();
    expect((await say(first, Q2, at, wang)).split('\n')[0]).toBe('导入预览：2020Q2@35');
    const second = await opened!.reopen();
    expect(await say(second, '/apply', '2020-07-14T10:10:00+08:00', wang)).toBe('已导入 2020Q2@35，告警和整改提醒随后发出。');
    expect(second.dataset().rounds.map((r) => r.round.key)).toContain('2020Q2@35');
    // Taken: the store, looked at afresh, has nothing left to apply.
    expect(await say(await opened!.reopen(), '/apply', '2020-07-14T10:11:00+08:00', wang)).toBe(
      '没有待确认的导入。请先把通报全文发给机器人。',
    );
  });

  it('keeps one per admin: another admin’s /apply names whose preview waits and writes nothing', async () => {
    const store = await seeded();
    await say(store, Q2, at, wang);
    expect(await say(store, '/apply', '2020-07-14T10:05:00+08:00', lin)).toBe(
      ['你没有待确认的导入（预览由谁发起，就由谁发送 /apply 确认）。本群待确认的：', '王主任（wecom:wangzr）：2020Q2@35'].join('\n'),
    );
    expect(store.dataset().rounds.map((r) => r.round.key)).toEqual(['2020Q1@35']);
    // Both preview at once: neither overwrites the other, each applies their own.
    await say(store, Q3, '2020-07-14T10:06:00+08:00', lin);
    expect(await say(store, '/apply', '2020-07-14T10:07:00+08:00', lin)).toBe('已导入 2020Q3@35，告警和整改提醒随后发出。');
    expect(await say(store, '/apply', '2020-07-14T10:08:00+08:00', wang)).toBe('已导入 2020Q2@35，告警和整改提醒随后发出。');
  });

  it('counts the 30 minutes on the pipeline’s clock, across a reopen', async () => {
    const store = await seeded();
    await say(store, Q2, at, wang);
    const again = await opened!.reopen();
    expect(await say(again, '/apply', '2020-07-14T10:30:01+08:00', wang)).toBe(
      '预览已超过30分钟，导入已作废。请重新发送通报全文。',
    );
    expect(again.dataset().rounds.map((r) => r.round.key)).toEqual(['2020Q1@35']);
    // A lapsed preview of another admin is not offered either.
    await say(store, Q2, at, wang);
    expect(await say(store, '/apply', '2020-07-14T11:00:00+08:00', lin)).toBe('没有待确认的导入。请先把通报全文发给机器人。');
  });

  it('/cancel on a reopened store drops it for good', async () => {
    const store = await seeded();
    await say(store, Q2, at, wang);
    const again = await opened!.reopen();
    expect(await say(again, '/cancel', at, wang)).toBe('已放弃导入 2020Q2@35，没有写入。');
    const key = { platform: 'wecom', chat: 'fj', user: 'wangzr' };
    expect(await (await opened!.reopen()).pendingImports.get(key)).toBeUndefined();
  });

  it('moves an old $DATA_DIR/pending-imports.json in once at start, and /apply finds it', async () => {
    const store = await seeded();
    const file = path.join(store.dataDir, 'pending-imports.json');
    const old = (text: string, when: string) => ({ text, at: new Date(when).toISOString(), drops: false, roundKey: '2020Q2@35' });
    await writeFile(
      file,
      JSON.stringify({
        version: 1,
        pending: {
          'wecom:fj:wangzr': old(Q2, '2020-07-14T09:55:00+08:00'),
          // A DingTalk sender id holds colons: it is everything after the chat.
          'dingtalk:cid42:$:LWCP_v1:$abc': old(Q2, '2020-07-14T09:50:00+08:00'),
          // Lapsed more than a day ago: dropped, not moved.
          'wecom:fj:linkz': old(Q2, '2020-07-01T09:00:00+08:00'),
        },
      }),
    );
    const now = new Date(at);
    await openPendingImports(store, now);
    await expect(access(file)).rejects.toThrow();
    expect(JSON.parse(await readFile(`${file}.migrated`, 'utf8')).version).toBe(1);
    const moved = await store.pendingImports.get({ platform: 'dingtalk', chat: 'cid42', user: '$:LWCP_v1:$abc' });
    expect(moved).toMatchObject({ roundKey: '2020Q2@35', expiresAt: '2020-07-14T02:20:00.000Z' });
    expect(await store.pendingImports.get({ platform: 'wecom', chat: 'fj', user: 'linkz' })).toBeUndefined();
    // Once: a second start finds nothing to move.
    await openPendingImports(store, now);
    expect(await say(store, '/apply', at, wang)).toBe('已导入 2020Q2@35，告警和整改提醒随后发出。');
  });
});

describe.each(storeKinds)('InspectionStore.pendingImports on $name', (kind) => {
  let opened: OpenedStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  const p = (when: string, roundKey = '2020Q2@35'): PendingImport => ({
    text: '通报全文',
    at: new Date(when).toISOString(),
    expiresAt: new Date(Date.parse(when) + 30 * 60_000).toISOString(),
    drops: false,
    roundKey,
    by: '王主任',
    file: { name: '通报.docx' },
  });

  it('put() replaces the sender’s earlier one and drops those lapsed over a day before', async () => {
    opened = await kind.open();
    const book = opened.store.pendingImports;
    const k = (user: string) => ({ platform: 'wecom', chat: 'fj', user });
    await book.put(k('a'), p('2020-07-13T08:00:00+08:00'), new Date('2020-07-13T08:00:00+08:00'));
    await book.put(k('b'), p('2020-07-14T08:00:00+08:00', '2020Q1@35'), new Date('2020-07-14T08:00:00+08:00'));
    await book.put(k('b'), p('2020-07-14T08:10:00+08:00'), new Date('2020-07-14T08:10:00+08:00'));
    // a lapsed at 08:30 the day before: kept until a day after that.
    expect((await book.inChat('wecom', 'fj')).map((e) => e.key.user)).toEqual(['b', 'a']);
    await book.put(k('c'), p('2020-07-14T08:31:00+08:00'), new Date('2020-07-14T08:31:00+08:00'));
    const left = await book.inChat('wecom', 'fj');
    expect(left.map((e) => e.key.user)).toEqual(['c', 'b']);
    expect(left[1]!.pending).toEqual(p('2020-07-14T08:10:00+08:00'));
    expect(await book.inChat('wecom', 'other')).toEqual([]);
    expect(await book.inChat('dingtalk', 'fj')).toEqual([]);
  });

  it('remove() says whether there was one, and a reopened store agrees', async () => {
    opened = await kind.open();
    const book = opened.store.pendingImports;
    const key = { platform: 'dingtalk', chat: 'cid1', user: 'u1' };
    await book.put(key, p(at), new Date(at));
    const again = await opened.reopen();
    expect(await again.pendingImports.get(key)).toEqual(p(at));
    expect(await again.pendingImports.remove(key)).toBe(true);
    expect(await again.pendingImports.remove(key)).toBe(false);
    expect(await (await opened.reopen()).pendingImports.get(key)).toBeUndefined();
  });
});
