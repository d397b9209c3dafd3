import { unknownRegion } from './args.ts';
import { recordChange } from './audit.ts';
import type { HandlerContext } from './context.ts';
import { adminNames, groupOf, isGroupAdmin } from './group-admin.ts';
import { type Reply, reply } from './reply.ts';
import { type GroupInfo, resolveTarget, type SubscriptionBook, type Target } from './services.ts';
import { subText as s } from './text.ts';

/** /sub <地区或单位>…: the group follows more regions or units (admins only). */
export function sub(args: string[], ctx: HandlerContext): Promise<Reply> | Reply {
  return change(args, ctx, 'add');
}

/** /unsub <地区或单位>…: the group stops following them (admins only). */
export function unsub(args: string[], ctx: HandlerContext): Promise<Reply> | Reply {
  return change(args, ctx, 'remove');
}

/** /subs: what the group follows. Anyone may ask. */
export function subs(_args: string[], ctx: HandlerContext): Reply {
  const service = ctx.services.subscriptions;
  if (!service) return reply(s.notConfigured);
  const group = groupOf(ctx);
  if (!group) return reply(s.needGroup);
  return reply(s.listTitle(group.name), listLines(service, group, ctx));
}

async function change(args: string[], ctx: HandlerContext, op: 'add' | 'remove'): Promise<Reply> {
  const service = ctx.services.subscriptions;
  if (!service) return reply(s.notConfigured);
  const group = groupOf(ctx);
  if (!group) return reply(s.needGroup);
  if (!isGroupAdmin(ctx, group)) {
    const names = adminNames(group);
    return reply(s.notAdmin, [names.length > 0 ? s.askAdmins(names) : s.noAdmins]);
  }
  if (args.length === 0) return reply(op === 'add' ? s.subUsage : s.unsubUsage);
  const targets: Target[] = [];
  for (const arg of args) {
    const target = resolveTarget(arg, ctx.data);
    if (!target) return unknownRegion(arg, ctx.data);
    targets.push(target);
  }
  const lines: string[] = [];
  let changed = false;
  for (const target of targets) {
    const name = describe(target, ctx, op);
    const done =
      op === 'add'
        ? await service.add(group.id, target, ctx.data)
        : await service.remove(group.id, target, ctx.data);
    changed ||= done;
    if (done)
      await recordChange(ctx, op === 'add' ? 'subscription.added' : 'subscription.removed', {
        target: target.kind === 'unit' ? target.name : target.region.name,
      });
    if (op === 'add') lines.push(done ? s.added(name) : s.alreadyFollowing(name));
    else lines.push(done ? s.removed(name) : s.notFollowing(name));
  }
  const title = changed ? s.changedTitle(group.name) : s.listTitle(group.name);
  return reply(title, [...lines, '', ...listLines(service, group, ctx)]);
}

function listLines(service: SubscriptionBook, group: GroupInfo, ctx: HandlerContext): string[] {
  const scope = service.scopeOf(group.id, ctx.data);
  const regions = scope.regions.map((id) => ctx.data.regions.get(id)?.name ?? id);
  const lines = [
    regions.length > 0 ? s.regionsLine(regions) : s.noRegions,
    scope.units.length > 0 ? s.unitsLine(scope.units) : s.noUnits,
  ];
  lines.push(group.allClear ? s.allClearOn : s.allClearOff);
  return lines;
}

/** A region being followed is named with "含下辖地区" when it has any. */
function describe(target: Target, ctx: HandlerContext, op: 'add' | 'remove'): string {
  if (target.kind === 'unit') return s.unit(target.name);
  const r = target.region;
  const below = op === 'add' && ctx.data.regions.childrenOf(r.id).length > 0;
  return below ? s.regionWithChildren(r.name) : r.name;
}
