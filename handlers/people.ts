import type { Task } from '../data/deadlines/task.ts';
import type { Contact } from './reply.ts';

/** Two contacts are the same person when they share a mobile or a platform user id. */
export function samePerson(a: Contact, b: Contact): boolean {
  return (
    (a.mobile !== undefined && a.mobile === b.mobile) ||
    (a.wecomUserId !== undefined && a.wecomUserId === b.wecomUserId) ||
    (a.dingtalkUserId !== undefined && a.dingtalkUserId === b.dingtalkUserId)
  );
}

/** The registered contacts of a task's unit (none when the register does not know the unit). */
export function contactsOf(task: Task): Contact[] {
  return task.unit?.contacts ?? [];
}
