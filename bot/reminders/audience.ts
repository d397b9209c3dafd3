import type { Dataset } from '../../data/dataset.ts';
import type { Contact } from '../../handlers/reply.ts';
import type { Group, Groups } from '../groups.ts';
import { type Task, unitNames } from './tasks.ts';

/** What a group follows: region ids (a region covers its sub-regions) and unit names. */
export interface FollowScope {
  regions: string[];
  units: string[];
}

export type ScopeOf = (group: Group, data: Dataset) => FollowScope;

/**
 * What groups.json declares, region names resolved to ids. Once groups change what they follow
 * with /sub and /unsub, the bot passes Subscriptions.scopeOf (bot/alerts/subscriptions.ts) instead.
 */
export const declaredScope: ScopeOf = (group, data) => ({
  regions: group.follows.regions.flatMap((name) => {
    const res = data.regions.resolve(name);
    return res ? [res.region.id] : [];
  }),
  units: group.follows.units,
});

/** Whether a group follows the task's unit (by name, alias or id) or a region containing it. */
export function follows(group: Group, task: Task, data: Dataset, scopeOf: ScopeOf = declaredScope): boolean {
  const scope = scopeOf(group, data);
  const names = new Set([...unitNames(task), task.unitKey]);
  if (scope.units.some((u) => names.has(u))) return true;
  return scope.regions.some((id) => data.regions.within(task.failure.regionId, id));
}

/** Every group a task's reminders go to. */
export function followers(groups: Groups, task: Task, data: Dataset, scopeOf: ScopeOf = declaredScope): Group[] {
  return groups.list.filter((g) => follows(g, task, data, scopeOf));
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
