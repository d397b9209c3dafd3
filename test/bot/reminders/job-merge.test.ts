import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox } from '../../../bot/outbox/queue.ts';
import { scanReminders, WECOM_MARKDOWN_BYTES } from '../../../bot/reminders/job.ts';
import { planReminders } from '../../../data/deadlines/plan.ts';
import type { Failure } from '../../../data/schema.ts';
import { replyToText } from '../../../handlers/reply.ts';
import { openTaskWorld, people, type TaskWorld } from '../../support/task-world.ts';

let world: TaskWorld;
beforeEach(async () => {
  world = await openTaskWorld();
});
afterEach(() => world.cleanup());

const scan = (iso: string, opts: { dryRun?: boolean } = {}) => scanReminders(world.deps(), new Date(iso), opts);
const inGroup = (groupId: string) => world.outbox.messages.filter((m) => m.groupId === groupId);

/** Re-imports the seeded round with more failed items of 平潭综合实验区管委会 (besides 平潭政务). */
async function addPingtanItems(extra: { subject: string; platform?: string; problem: string }[]): Promise<void> {
  const file = world.store.dataset().rounds[0]!.file;
  const base = file.failures.find((f) => f.subject === '平潭政务')!;
  const { platform: _, ...site } = base;
  const more: Failure[] = extra.map((x, i) => ({
    ...site,
    id: `pt-extra-${i}`,
    channel: x.platform ? 'newmedia' : 'website',
    subject: x.subject,
    ...(x.platform ? { platform: x.platform } : {}),
    problem: x.problem,
    veto: false,
  }));
  await world.store.applyImport(
    { newRegions: [], roundFile: { ...file, failures: [...file.failures, ...more] } },
    new Date('2020-04-13T11:00:00+08:00'),
  );
}

const threeItems = () =>
  addPingtanItems([
    { subject: '平潭综合实验区门户网站', problem: '首页栏目长期未更新' },
    { subject: '平潭发布', platform: '新浪微博', problem: '互动留言未回复' },
  ]);

describe('a unit with several failed items', () => {
  beforeEach(threeItems);

  it('gets one reminder per step in each group, listing every item and @-mentioning its contacts once', async () => {
    await scan('2020-04-14T09:00:00+08:00');
    const [pt, ...morePt] = inGroup('pt');
    expect(morePt).toEqual([]);
    expect(pt!.reply.title).toBe('整改提醒：平潭综合实验区管委会');
    expect(pt!.reply.lines).toEqual([
      '2020年第一季度检查发现3项问题：',
      '1. 【微信公众号】平潭政务：内容不更新',
      '2. 【政府网站】平潭综合实验区门户网站：首页栏目长期未更新',
      '3. 【新浪微博】平潭发布：互动留言未回复',
      '整改情况报送截止2020年4月17日（周五），还剩3个工作日。',
      '报送至：省政府办公厅。',
      '全部报送后请在群里发送：/done 平潭综合实验区管委会；单项报送后发送该项名称，例：/done 平潭政务',
    ]);
    expect(pt!.reply.mentions).toEqual([people.zhang]);
    expect(inGroup('fj').map((m) => m.reply.title)).toEqual([
      '整改提醒：福建省教育厅',
      '整改提醒：福建省民政厅',
      '整改提醒：平潭综合实验区管委会',
    ]);
    // Each task's step is recorded once, for the groups that got it.
    const sent = world.tasks.data.sent;
    const pingtan = world.store
      .dataset()
      .rounds[0]!.file.failures.filter((f) => f.unitName === '平潭综合实验区管委会')
      .map((f) => f.id);
    expect(pingtan).toHaveLength(3);
    for (const id of pingtan) expect(sent[`${id}|before-3@2020-04-14`]?.groups).toEqual(['fj', 'pt']);
  });

  it('sends each step’s single message once across a restart at every step of the plan', async () => {
    const steps = planReminders({ date: '2020-04-17' }, world.calendar).steps;
    for (const step of steps) {
      const moment = new Date(step.at.getTime() + 60_000).toISOString();
      await scan(moment);
      await world.restart();
      await scan(moment);
    }
    // 13 steps × (3 units in 省政府办公厅群 + 1 in 平潭整改群), none twice.
    expect(world.outbox.messages).toHaveLength(13 * 4);
    expect(new Set(world.outbox.messages.map((m) => m.key)).size).toBe(13 * 4);
    expect(inGroup('pt').every((m) => m.reply.lines[0] === '2020年第一季度检查发现3项问题：')).toBe(true);
  });

  it('@-mentions the contacts and, once escalated, the admins once per message', async () => {
    await scan('2020-04-22T09:00:00+08:00');
    const [pt] = inGroup('pt');
    expect(pt!.reply.mentions).toEqual([people.zhang, people.lin]);
    expect(pt!.reply.lines).toContain('逾期多日，请管理员督办。');
    expect(replyToText(pt!.reply).match(/@张三/g)).toHaveLength(1);
  });

  it('after /done on one item lists only the other two in the next step’s single message', async () => {
    await scan('2020-04-14T09:00:00+08:00');
    expect(await world.say('/done 平潭政务', { at: '2020-04-15T10:00:00+08:00', as: people.zhang, group: 'pt' })).toMatch(
      /已停止这1项的提醒/,
    );
    await scan('2020-04-16T09:00:00+08:00');
    const [, next, ...rest] = inGroup('pt');
    expect(rest).toEqual([]);
    expect(next!.reply.lines).toEqual([
      '2020年第一季度检查发现2项问题：',
      '1. 【政府网站】平潭综合实验区门户网站：首页栏目长期未更新',
      '2. 【新浪微博】平潭发布：互动留言未回复',
      '整改情况报送截止2020年4月17日（周五），还剩1个工作日。',
      '报送至：省政府办公厅。',
      '全部报送后请在群里发送：/done 平潭综合实验区管委会；单项报送后发送该项名称，例：/done 平潭综合实验区门户网站',
    ]);
    const closed = world.store.dataset().rounds[0]!.file.failures.find((f) => f.subject === '平潭政务')!;
    expect(world.tasks.isSent(`${closed.id}|before-1@2020-04-16`)).toBe(false);
    expect(world.tasks.isSent('pt-extra-0|before-1@2020-04-16')).toBe(true);
    expect(world.tasks.isSent('pt-extra-1|before-1@2020-04-16')).toBe(true);
  });

  it('does not double the merged message when the process died between queueing and recording', async () => {
    const dry = await scan('2020-04-16T09:00:00+08:00', { dryRun: true });
    const merged = dry.due.find((r) => r.unitName === '平潭综合实验区管委会')!;
    expect(merged.tasks).toHaveLength(3);
    const d = merged.deliveries.find((x) => x.group.id === 'pt')!;
    // The previous process queued this one, then crashed before writing tasks.json.
    await world.outbox.enqueue({ key: d.outboxKey, groupId: d.group.id, reply: d.reply, items: d.items });
    await world.restart();
    const again = await scan('2020-04-16T09:01:00+08:00', { dryRun: true });
    const same = again.due.find((r) => r.unitName === '平潭综合实验区管委会')!.deliveries.find((x) => x.group.id === 'pt')!;
    expect(same.outboxKey).toBe(d.outboxKey);
    await scan('2020-04-16T09:01:00+08:00');
    expect(inGroup('pt')).toHaveLength(1);
    expect((await scan('2020-04-16T09:10:00+08:00')).due).toEqual([]);
  });

  it('does not resend the items already queued when one of them was closed during the crash', async () => {
    const dry = await scan('2020-04-16T09:00:00+08:00', { dryRun: true });
    const d = dry.due.find((r) => r.unitName === '平潭综合实验区管委会')!.deliveries.find((x) => x.group.id === 'pt')!;
    await world.outbox.enqueue({ key: d.outboxKey, groupId: d.group.id, reply: d.reply, items: d.items });
    await world.restart();
    await world.say('/done 平潭政务', { at: '2020-04-16T09:02:00+08:00', as: people.zhang, group: 'pt' });
    await scan('2020-04-16T09:05:00+08:00');
    expect(inGroup('pt')).toHaveLength(1);
  });

  it('catches up after downtime with one message carrying each item’s latest missed step', async () => {
    await scan('2020-04-13T18:00:00+08:00');
    await world.restart();
    await scan('2020-04-22T10:30:00+08:00');
    await scan('2020-04-22T10:35:00+08:00');
    const pt = inGroup('pt');
    expect(pt.map((m) => m.reply.title)).toEqual(['整改逾期：平潭综合实验区管委会']);
    expect(pt[0]!.reply.lines).toContain('整改情况报送截止2020年4月17日（周五），已逾期3个工作日。');
    expect(pt[0]!.reply.lines.filter((l) => /^\d+\. /.test(l))).toHaveLength(3);
    expect(world.outbox.messages).toHaveLength(4);
  });

  it('queues one message per step into the real outbox, also after a crash before recording', async () => {
    let outbox = await Outbox.open(world.dir);
    const real = (iso: string) => scanReminders({ ...world.deps(), sink: outbox }, new Date(iso));
    await real('2020-04-14T09:00:00+08:00');
    expect(outbox.pending().map((e) => [e.groupId, e.reply?.title, e.items.length])).toEqual([
      ['fj', '整改提醒：福建省教育厅', 1],
      ['fj', '整改提醒：福建省民政厅', 1],
      ['fj', '整改提醒：平潭综合实验区管委会', 3],
      ['pt', '整改提醒：平潭综合实验区管委会', 3],
    ]);
    await rm(path.join(world.dir, 'tasks.json'));
    await world.restart();
    outbox = await Outbox.open(world.dir);
    await real('2020-04-14T09:05:00+08:00');
    expect(outbox.pending()).toHaveLength(4);
  });
});

describe('a merged reminder too long for one message', () => {
  const many = Array.from({ length: 60 }, (_, i) => ({
    subject: `平潭综合实验区第${i + 1}号政务服务网站`,
    problem: '首页栏目长期未更新，互动留言长期未回复，部分链接无法访问',
  }));

  it('is split into parts within the platform limit, each item once, the contacts in every part', async () => {
    await addPingtanItems(many);
    await scan('2020-04-14T09:00:00+08:00');
    const pt = inGroup('pt');
    expect(pt.length).toBeGreaterThan(1);
    const n = pt.length;
    pt.forEach((m, k) => {
      expect(m.reply.title).toBe(`整改提醒：平潭综合实验区管委会（${k + 1}/${n}）`);
      expect(m.key.endsWith(`|${k + 1}/${n}`)).toBe(true);
      expect(m.reply.mentions).toEqual([people.zhang]);
      expect(Buffer.byteLength(replyToText(m.reply))).toBeLessThanOrEqual(WECOM_MARKDOWN_BYTES);
    });
    const items = pt.flatMap((m) => m.reply.lines.filter((l) => /^\d+\. /.test(l)));
    expect(items).toHaveLength(61);
    expect(new Set(items).size).toBe(61);
    expect(pt.flatMap((m) => m.items)).toHaveLength(61);

    // A crash after queueing every part but before tasks.json was written.
    await rm(path.join(world.dir, 'tasks.json'));
    await world.restart();
    await scan('2020-04-14T09:05:00+08:00');
    expect(inGroup('pt')).toHaveLength(n);
  });
});
