import type { HandlerContext } from './context.ts';
import { adminNames, groupOf, isGroupAdmin } from './group-admin.ts';
import { type Reply, reply } from './reply.ts';
import { whoamiText as w } from './text.ts';

/**
 * /whoami: the sender's id on this platform and the chat's id, so that an admin can register
 * the person (mentions that notify) and the IT person can declare the group (groups.json).
 */
export function whoami(_args: string[], ctx: HandlerContext): Reply {
  const s = ctx.sender;
  const lines = [w.platform(s.platform)];
  if (s.name) lines.push(w.name(s.name));
  if (s.platform === 'wecom') lines.push(s.wecomUserId ? w.wecomId(s.wecomUserId) : w.noId);
  if (s.platform === 'dingtalk') lines.push(s.dingtalkUserId ? w.dingtalkId(s.dingtalkUserId) : w.noId);
  if (s.platform === 'wecom' || s.platform === 'dingtalk') {
    lines.push(ctx.conversationId ? w.chat(s.platform, ctx.conversationId) : w.privateChat);
  }
  const group = groupOf(ctx);
  if (group) {
    lines.push(w.declared(group.name, group.id));
    lines.push(isGroupAdmin(ctx, group) ? w.admin : w.notAdmin(adminNames(group)));
  } else if (ctx.conversationId) lines.push(w.undeclared);
  lines.push(w.register);
  return reply(w.title, lines);
}
