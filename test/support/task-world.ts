import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Group } from '../../bot/groups.ts';
import { makeGroups } from '../../bot/groups.ts';
import { silentLogger } from '../../bot/logger.ts';
import { answer } from '../../bot/pipeline.ts';
import { shippedCalendar, WorkCalendar } from '../../data/deadlines/calendar.ts';
import type { ReminderJobDeps, ReminderSink } from '../../bot/reminders/job.ts';
import { defaultPlan } from '../../data/deadlines/plan.ts';
import { createTaskService } from '../../bot/reminders/service.ts';
import { TaskStore } from '../../bot/reminders/task-store.ts';
import { ensureSeeded } from '../../data/import/seed.ts';
import { fujianRegions } from '../../data/reference/fujian.ts';
import type { Unit } from '../../data/schema.ts';
import { LowStore } from '../../data/store.ts';
import type { Sender } from '../../handlers/context.ts';
import { type Reply, replyToText } from '../../handlers/reply.ts';

/**
 * The seeded Fujian 2020Q1 round (deadline 2020-04-17; failures 福建省教育厅, 福建省民政厅 and
 * 平潭政务 of 平潭综合实验区管委会) with a register of units and contacts, two chat groups, the
 * real calendar, and a fake outbox. `restart()` reopens everything from disk.
 */
export const people = {
  wang: { name: '王主任', mobile: '13800000001' },
  lin: { name: '林科长', wecomUserId: 'linkz' },
  chen: { name: '陈老师', mobile: '13900000001' },
  zhang: { name: '张三', wecomUserId: 'zhangsan' },
  stranger: { name: '路人甲', mobile: '13700000000' },
};

export const units: Unit[] = [
  { id: 'fj-jyt', name: '福建省教育厅', regionId: '35-sz', aliases: ['省教育厅'], contacts: [people.chen] },
  { id: 'fj-mzt', name: '福建省民政厅', regionId: '35-sz', aliases: [], contacts: [] },
  { id: 'pt-gwh', name: '平潭综合实验区管委会', regionId: '35-pt', aliases: [], contacts: [people.zhang] },
];

const group = (id: string, name: string, follows: Group['follows'], admins: Group['admins']): Group => ({
  id,
  name,
  platform: 'wecom',
  follows,
  admins,
  allClear: false,
});

/** 省政府办公厅 follows the whole province; 平潭 follows its 管委会 only. */
export const groupList: Group[] = [
  group('fj', '省政府办公厅群', { regions: ['福建省'], units: [] }, [people.wang]),
  group('pt', '平潭整改群', { regions: [], units: ['平潭综合实验区管委会'] }, [people.lin]),
];

/**
 * An outbox that behaves like bot/outbox/queue.ts for enqueue: a known key, or a message whose
 * items are all known, is refused.
 */
export class FakeOutbox implements ReminderSink {
  readonly messages: { key: string; groupId: string; reply: Reply; items: string[] }[] = [];
  private readonly keys = new Set<string>();

  async enqueue(msg: { key: string; groupId: string; reply: Reply; items?: string[] }): Promise<boolean> {
    const items = msg.items ?? [];
    if (this.keys.has(msg.key) || (items.length > 0 && items.every((i) => this.keys.has(i)))) return false;
    for (const k of [msg.key, ...items]) this.keys.add(k);
    this.messages.push({ key: msg.key, groupId: msg.groupId, reply: msg.reply, items });
    return true;
  }

  texts(groupId?: string): string[] {
    return this.messages.filter((m) => !groupId || m.groupId === groupId).map((m) => replyToText(m.reply));
  }
}

export interface TaskWorld {
  dir: string;
  store: LowStore;
  tasks: TaskStore;
  outbox: FakeOutbox;
  calendar: WorkCalendar;
  deps(): ReminderJobDeps;
  /** Asks the bot as a person in a group, at a time, through the real pipeline. */
  say(
    text: string,
    opts: { at: string; as?: Sender | Omit<Sender, 'platform'>; group?: string },
  ): Promise<string>;
  /** A new process: store and task state read back from disk; the outbox survives (it is on disk too). */
  restart(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function openTaskWorld(opts: { withUnits?: boolean } = {}): Promise<TaskWorld> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'inspection-tasks-'));
  const register = { version: 1, regions: fujianRegions(), units: opts.withUnits === false ? [] : units };
  await writeFile(path.join(dir, 'register.json'), JSON.stringify(register));
  const first = await LowStore.open(dir);
  await ensureSeeded(first, new Date('2020-04-13T10:00:00+08:00'));
  const calendar = new WorkCalendar(shippedCalendar());
  const groups = makeGroups(groupList);
  const world: TaskWorld = {
    dir,
    store: first,
    tasks: await TaskStore.open(dir),
    outbox: new FakeOutbox(),
    calendar,
    deps: () => ({
      store: world.store,
      tasks: world.tasks,
      groups,
      calendar,
      plan: defaultPlan,
      sink: world.outbox,
      log: silentLogger,
    }),
    async say(text, { at, as, group }) {
      const services = { groups, tasks: createTaskService(world.tasks, calendar, defaultPlan) };
      const sender: Sender = { platform: 'wecom', ...as };
      const r = await answer(
        { store: world.store, log: silentLogger, now: () => new Date(at), services },
        text,
        sender,
        group,
      );
      return replyToText(r);
    },
    async restart() {
      world.store = await LowStore.open(dir);
      world.tasks = await TaskStore.open(dir);
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
  return world;
}
