import type { Dataset } from '../../data/dataset.ts';
import type { FollowScope } from '../../handlers/services.ts';
import type { Group, Groups } from '../groups.ts';
import { type Task, unitNames } from '../../data/deadlines/task.ts';


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
