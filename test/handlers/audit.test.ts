import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../bot/logger.ts';
import { ImportService } from '../../data/import/service.ts';
import { openTaskWorld, people, type TaskWorld } from '../support/task-world.ts';

/** Every write is recorded append-only with who, where, when and what; /audit reads it (admins). */
let world: TaskWorld;
beforeEach(async () => {
  world = await openTaskWorld();
});
afterEach(() => world.cleanup());

const at = '2020-04-15T10:00:00+08:00';

describe('/audit [n]', () => {
  it('records /done and /deadline set with the sender’s platform id and group, newest first', async () => {
    await world.say('/done 平潭政务', { at, as: people.zhang, group: 'pt' });
    await world.say('/deadline set 2020Q1 2020-04-24', { at, as: people.wang, group: 'fj' });
    // The seed's import is recorded too (round.imported, from the server's shell).
    const log = (await world.store.auditLog(10)).filter((e) => !e.action.startsWith('round.'));
    expect(log.map((e) => [e.action, e.platform, e.userId, e.name, e.group])).toEqual([
      ['deadline.set', 'wecom', undefined, '王主任', 'fj'],
      ['task.closed', 'wecom', 'zhangsan', '张三（wecom:zhangsan）', 'pt'],
    ]);
    expect(log[1]?.detail).toEqual({ unit: '平潭综合实验区管委会', items: ['平潭政务'] });
    expect(log[1]?.at).toBe(new Date(at).toISOString());
    const text = await world.say('/audit 5', { at, as: people.lin, group: 'pt' });
    expect(text.split('\n')[1]).toBe(
      '2020-04-15 10:00 [pt] 张三（wecom:zhangsan）：task.closed unit=平潭综合实验区管委会 items=平潭政务',
    );
    expect(text).toMatch(/round\.imported round=2020Q1@35/);
  });

  it('is for admins only, telling others whom to ask', async () => {
    expect(await world.say('/audit', { at, as: people.stranger, group: 'pt' })).toBe(
      ['抱歉，只有管理员可以查看变更记录。', '如需查看，请联系：林科长。'].join('\n'),
    );
  });

  it('survives a restart: the trail is on disk, append-only', async () => {
    await world.say('/done 平潭政务', { at, as: people.zhang, group: 'pt' });
    await world.restart();
    expect((await world.store.auditLog(10)).map((e) => e.action)).toEqual(['task.closed', 'round.imported']);
  });

  it('shows a register import in every group, with what changed in readable form', async () => {
    const imports = new ImportService(world.store, silentLogger);
    const unit = { id: 'u-new', name: '福建省财政厅', regionId: '35-sz', aliases: [], contacts: [{ name: '周科长', wecomUserId: 'zhoukz' }] };
    await imports.applyRegister({ newRegions: [], units: [unit], sites: [], accounts: [] }, new Date(at), {
      by: { platform: 'api' },
      source: 'api',
    });
    const text = await world.say('/audit 1', { at, as: people.lin, group: 'pt' });
    expect(text.split('\n')[1]).toBe(
      '2020-04-15 10:00 检查系统接口：register.imported source=api units=added:1,changed:0 contacts=福建省财政厅：＋周科长',
    );
  });
});
