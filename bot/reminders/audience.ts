import type { Dataset } from '../../data/dataset.ts';
import type { Contact } from '../../handlers/reply.ts';
import type { Group, Groups } from '../groups.ts';
import type { Task } from './tasks.ts';

/** Whether a group follows the task's unit (by name, alias or id) or a region containing it. */
export function follows(group: Group, task: Task, data: Dataset): boolean {
  const unitNames = new Set([task.unitName, task.unitKey, ...(task.unit?.aliases ?? [])]);
  if (group.follows.units.some((u) => unitNames.has(u))) return true;
  return group.follows.regions.some((name) => {
    const res = data.regions.resolve(name);
    return res !== undefined && data.regions.within(task.failure.regionId, res.region.id);
  });
}

/** Every group a task's reminders go to. */
export function followers(groups: Groups, task: Task, data: Dataset): Group[] {
  return groups.list.filter((g) => follows(g, task, data));
}

/** Two contacts are the same person when they share a mobile or a platform user id. */
export function samePerson(a: Contact, b: Contact): boolean {
  return (
    (a.mobile !== undefined && a.mobile === b.mobile) ||
    (a.wecomUserId !== undefined && a.wecomUserId === b.wecomUserId) ||
    (a.dingtalkUserId !== undefined && a.dingtalkUserId === b.dingtalkUserId)
  );
}

export function contactsOf(task: Task): Contact[] {
  return task.unit?.contacts ?? [];
}
