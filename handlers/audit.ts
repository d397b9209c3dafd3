import type { AuditEntry } from '../data/audit.ts';
import type { HandlerContext } from './context.ts';
import { type Reply, reply } from './reply.ts';
import { shanghai } from './status.ts';
import { adminsInScope, isAdmin, senderName } from './task-scope.ts';
import { auditText as a } from './text.ts';

/** Records one change a command made (data/audit.ts): who, where, when, what. */
export async function recordChange(ctx: HandlerContext, action: string, detail: Record<string, unknown>): Promise<void> {
  await ctx.store.audit({ at: ctx.now.toISOString(), ...auditActor(ctx), action, detail });
}

/** Who and where, as the audit trail records it (also what an import passes as its actor). */
export function auditActor(ctx: HandlerContext): { platform: string; userId?: string; name?: string; group?: string } {
  const s = ctx.sender;
  const userId = s.platform === 'wecom' ? s.wecomUserId : s.platform === 'dingtalk' ? (s.dingtalkUserId ?? s.mobile) : undefined;
  const actor: { platform: string; userId?: string; name?: string; group?: string } = { platform: s.platform };
  if (userId) actor.userId = userId;
  const name = senderName(ctx);
  if (name) actor.name = name;
  if (ctx.groupId) actor.group = ctx.groupId;
  return actor;
}

const DEFAULT_SHOWN = 10;
const MAX_SHOWN = 50;

/** /audit [n]: the last n changes (admins; in a group, that group's). */
export async function audit(args: string[], ctx: HandlerContext): Promise<Reply> {
  if (!isAdmin(ctx)) {
    const names = [...new Set(adminsInScope(ctx).flatMap((c) => (c.name ? [c.name] : [])))];
    return reply(a.notAdmin, names.length > 0 ? [a.askAdmins(names)] : []);
  }
  const n = args[0] === undefined ? DEFAULT_SHOWN : Number(args[0]);
  if (!Number.isInteger(n) || n < 1) return reply(a.usage);
  const limit = Math.min(n, MAX_SHOWN);
  // In a group: that group's changes and the imports of rounds and registers (which concern every group).
  const all = await ctx.store.auditLog(ctx.groupId ? MAX_SHOWN * 20 : limit);
  const shown = all.filter((e) => !ctx.groupId || e.group === ctx.groupId || e.action.startsWith('round.') || e.action.startsWith('register.')).slice(0, limit);
  if (shown.length === 0) return reply(a.none);
  return reply(a.title(shown.length), shown.map(line));
}

export function line(e: AuditEntry): string {
  const who = e.name ?? (e.userId ? `${e.platform}:${e.userId}` : a.platform(e.platform));
  const what = Object.entries(e.detail)
    .map(([k, v]) => `${k}=${shown(v)}`)
    .join(' ');
  return a.line(shanghai(new Date(e.at)), e.group, who, e.action, what);
}

/**
 * A detail's value as a person reads it: a list of names joined, counts as `added:1,changed:0`, a
 * replacement's difference as the number of items of each kind (the full lists stay in the trail).
 */
function shown(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v.join('；');
  // Counts as they are; a list inside (a replacement's dropped failures …) by its length.
  if (v && typeof v === 'object' && !Array.isArray(v))
    return Object.entries(v)
      .map(([k, x]) => `${k}:${Array.isArray(x) ? x.length : typeof x === 'object' && x !== null ? JSON.stringify(x) : x}`)
      .join(',');
  return JSON.stringify(v);
}
