import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeGroups } from '../../bot/groups.ts';
import { silentLogger } from '../../bot/logger.ts';
import { answer } from '../../bot/pipeline.ts';
import { ImportService } from '../../data/import/service.ts';
import { SEED_NOTICE } from '../../data/import/seed.ts';
import type { Sender } from '../../handlers/context.ts';
import { isExpired, looksLikeNotice } from '../../handlers/import.ts';
import { replyToText } from '../../handlers/reply.ts';
import { groupList, openTaskWorld, people, type TaskWorld } from '../support/task-world.ts';

/**
 * Import from the group: an admin pastes a notice, the bot previews it (the CLI's preview), keeps
 * it pending on disk, and /apply (or /cancel) within 30 minutes finishes it through ImportService.
 */
const SEED = readFileSync(SEED_NOTICE, 'utf8');
/** The shipped notice moved to the second quarter: a new round 2020Q2@35 with the same three failures. */
const Q2 = SEED.replaceAll('第一季度', '第二季度').replaceAll('3月底', '6月底').replaceAll('2020年4月', '2020年7月');
const at = '2020-07-14T10:00:00+08:00';

let world: TaskWorld;
let imported: string[];
beforeEach(async () => {
  world = await openTaskWorld();
  imported = [];
});
afterEach(() => world.cleanup());

async function say(text: string, opts: { at: string; as: Omit<Sender, 'platform'>; group?: string }): Promise<string> {
  const imports = new ImportService(world.store, silentLogger);
  imports.onImported(async (e) => {
    imported.push(e.roundKey);
  });
  const services = { groups: makeGroups(groupList), imports, pendingImports: world.store.pendingImports };
  const r = await answer(
    { store: world.store, log: silentLogger, now: () => new Date(opts.at), services },
    text,
    { platform: 'wecom', ...opts.as },
    opts.group,
  );
  return replyToText(r);
}

describe('pasting a notice in a group', () => {
  it('previews what the CLI prints, keeps nothing written, and /apply imports it with listeners and audit', async () => {
    const preview = await say(Q2, { at, as: people.wang, group: 'fj' });
    const lines = preview.split('\n');
    expect(lines[0]).toBe('导入预览：2020Q2@35');
    expect(lines).toContain('期次：2020年第二季度（2020Q2@35），范围：福建省');
    expect(lines).toContain('1. 省直部门　福建省教育厅：栏目不更新（单项否决）［单项否决］');
    expect(lines.at(-1)).toBe('以上为预览，尚未写入。30分钟内发送 /apply 导入，发送 /cancel 放弃。');
    expect(world.store.dataset().rounds.map((r) => r.round.key)).toEqual(['2020Q1@35']);

    expect(await say('/apply', { at: '2020-07-14T10:20:00+08:00', as: people.wang, group: 'fj' })).toBe(
      '已导入 2020Q2@35，告警和整改提醒随后发出。',
    );
    expect(imported).toEqual(['2020Q2@35']);
    expect(await say('/rate', { at, as: people.wang, group: 'fj' })).toContain('2020年第二季度');
    const [entry] = await world.store.auditLog(1);
    expect(entry).toMatchObject({ action: 'round.imported', platform: 'wecom', name: '王主任', group: 'fj' });
    expect(entry?.detail).toMatchObject({ round: '2020Q2@35', source: '群聊导入（王主任，2020-07-14 10:00）' });
    // Finished: nothing is pending any more.
    expect(await say('/apply', { at, as: people.wang, group: 'fj' })).toBe('没有待确认的导入。请先把通报全文发给机器人。');
  });

  it('takes /import followed by the text the same way', async () => {
    const preview = await say(`/import\n${Q2}`, { at, as: people.wang, group: 'fj' });
    expect(preview.split('\n')[0]).toBe('导入预览：2020Q2@35');
  });

  it('tells a non-admin whom to ask, by name, and keeps nothing', async () => {
    expect(await say(Q2, { at, as: people.stranger, group: 'pt' })).toBe(
      ['抱歉，只有管理员可以导入通报。', '如需导入，请联系：林科长。'].join('\n'),
    );
    expect(await say('/apply', { at, as: people.stranger, group: 'pt' })).toBe(
      ['抱歉，只有管理员可以导入通报。', '如需导入，请联系：林科长。'].join('\n'),
    );
  });

  it('answers a notice cut off with the importer’s refusal naming the line, and keeps nothing', async () => {
    const cut = SEED.split('\n').slice(0, 185).join('\n');
    const text = await say(`/import ${cut}`, { at, as: people.wang, group: 'fj' });
    expect(text.split('\n')[0]).toBe('无法导入这段文字：');
    expect(text).toMatch(/第185行：.*通报可能没有复制全。/);
    expect(await say('/apply', { at, as: people.wang, group: 'fj' })).toBe('没有待确认的导入。请先把通报全文发给机器人。');
  });

  it('answers a notice whose issuer it cannot find with how to give it here, and /import --issuer then imports it', async () => {
    const county = ['2023年第二季度政府网站和政务新媒体检查情况通报', '一、总体情况', '本次检查政府网站1个，其中不合格1个，合格率0%。'].join('\n');
    const refused = await say(`/import\n${county}`, { at, as: people.wang, group: 'fj' });
    expect(refused.split('\n')[0]).toBe('无法导入这段文字：');
    expect(refused).toMatch(/请用 --issuer <地区> 指定/);
    expect(refused.split('\n').at(-1)).toBe(
      '在群里指定发文地区：发送“/import --issuer <地区>”，换行后粘贴通报全文（例如 /import --issuer 云霄县）。',
    );
    const preview = await say(`/import --issuer 云霄县\n${county}`, { at, as: people.wang, group: 'fj' });
    expect(preview.split('\n')[0]).toBe('导入预览：2023Q2@350622');
    // An input method's dashes read the same.
    expect((await say(`/import ——issuer 云霄县\n${county}`, { at, as: people.wang, group: 'fj' })).split('\n')[0]).toBe(
      '导入预览：2023Q2@350622',
    );
    expect(await say('/apply', { at, as: people.wang, group: 'fj' })).toBe('已导入 2023Q2@350622，告警和整改提醒随后发出。');
  });

  it('lapses after 30 minutes: /apply then says so and writes nothing', async () => {
    await say(Q2, { at, as: people.wang, group: 'fj' });
    expect(await say('/apply', { at: '2020-07-14T10:30:01+08:00', as: people.wang, group: 'fj' })).toBe(
      '预览已超过30分钟，导入已作废。请重新发送通报全文。',
    );
    expect(world.store.dataset().rounds.map((r) => r.round.key)).toEqual(['2020Q1@35']);
  });

  it('/cancel drops it', async () => {
    await say(Q2, { at, as: people.wang, group: 'fj' });
    expect(await say('/cancel', { at, as: people.wang, group: 'fj' })).toBe('已放弃导入 2020Q2@35，没有写入。');
    expect(await say('/apply', { at, as: people.wang, group: 'fj' })).toBe('没有待确认的导入。请先把通报全文发给机器人。');
  });

  it('survives a restart: the pending import is on disk', async () => {
    await say(Q2, { at, as: people.wang, group: 'fj' });
    await world.restart();
    expect(await say('/apply', { at, as: people.wang, group: 'fj' })).toBe('已导入 2020Q2@35，告警和整改提醒随后发出。');
  });

  it('needs /apply replace when the replacement drops a failure', async () => {
    const corrected = SEED.replace('\n福建省民政厅\n', '\n福建省人力资源和社会保障厅\n');
    const preview = await say(corrected, { at, as: people.wang, group: 'fj' });
    expect(preview).toContain('已有2020Q1@35的数据，导入后将替换它。与已导入的内容相比：');
    // The chat's own command, never the CLI's flag.
    expect(preview).toContain('　⚠ 这次替换会去掉不合格项或地区：须发送“/apply replace”才会执行。');
    expect(preview).not.toContain('--replace');
    expect(preview.split('\n').at(-1)).toBe(
      '以上为预览，尚未写入。替换会删去已导入的不合格项或地区：确认替换请在30分钟内发送“/apply replace”，发送 /cancel 放弃。',
    );
    expect((await say('/apply', { at, as: people.wang, group: 'fj' })).split('\n')[0]).toBe(
      '这次导入会删去已导入的不合格项或地区。确认替换请发送“/apply replace”，或发送 /cancel 放弃。',
    );
    expect(await say('/apply replace', { at, as: people.wang, group: 'fj' })).toBe(
      '已用新内容替换 2020Q1@35，告警和整改提醒随后发出。',
    );
    const [entry] = await world.store.auditLog(1);
    expect(entry?.action).toBe('round.replaced');
    // /audit gives the difference as counts per kind, not the trail's JSON.
    const audit = await say('/audit 1', { at, as: people.wang, group: 'fj' });
    expect(audit.split('\n')[1]).toMatch(
      /：round\.replaced round=2020Q1@35 source=群聊导入（王主任，2020-07-14 10:00） failures=3 diff=key:2020Q1@35,droppedFailures:1,addedFailures:1,droppedTallies:0,addedTallies:0,changedTallies:0$/,
    );
  });
});

describe('looksLikeNotice()', () => {
  it('takes a long text about inspection results and leaves questions alone', () => {
    expect(looksLikeNotice(Q2)).toBe(true);
    expect(looksLikeNotice('福州')).toBe(false);
    expect(looksLikeNotice('请问这次检查什么时候通报？')).toBe(false);
  });
});

describe('isExpired()', () => {
  it('is false up to 30 minutes after the preview and true after', () => {
    const p = { text: '', at: '2020-07-14T02:00:00.000Z', expiresAt: '2020-07-14T02:30:00.000Z', drops: false, roundKey: 'k' };
    expect(isExpired(p, new Date('2020-07-14T10:30:00+08:00'))).toBe(false);
    expect(isExpired(p, new Date('2020-07-14T10:30:01+08:00'))).toBe(true);
  });
});
