import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sender } from '../../handlers/context.ts';
import { JobBoard } from '../../bot/jobs.ts';
import { reply } from '../../handlers/reply.ts';
import { statusText } from '../../handlers/text.ts';
import { wecomGroup } from '../support/alert-world.ts';
import { openChat } from '../support/chat.ts';

const admin: Sender = { platform: 'wecom', name: '王管理', wecomUserId: 'admin-fz' };
const member: Sender = { platform: 'wecom', name: '张三', wecomUserId: 'zhangsan' };
const at = (hhmm: string) => new Date(`2020-04-14T${hhmm}:00+08:00`);

let chat: Awaited<ReturnType<typeof openChat>>;
beforeEach(async () => {
  chat = await openChat([wecomGroup('fz', ['福州']), wecomGroup('xm', ['厦门'])]);
});
afterEach(() => chat.cleanup());

/** Three alerts: one sent, one waiting since 09:20, one refused for a bad key. */
async function someTraffic(): Promise<void> {
  const o = chat.outbox;
  await o.enqueue({ key: 'a', groupId: 'fz', kind: 'alert', reply: reply('已发送的提醒') }, at('09:00'));
  await o.begin('a', at('09:00'));
  await o.markSent('a', at('09:00'));
  await o.enqueue({ key: 'b', groupId: 'fz', kind: 'alert', reply: reply('排队中的提醒') }, at('09:20'));
  await o.enqueue({ key: 'c', groupId: 'fz', kind: 'alert', reply: reply('【检查结果】福州') }, at('09:30'));
  await o.begin('c', at('09:30'));
  await o.markDead(
    'c',
    { reason: 'wecom.send(fz): errcode 93000 (invalid webhook url)', errcode: 93000 },
    at('09:30'),
  );
}

describe('/status', () => {
  it('shows queue depth and oldest age, dead letters with what to fix, and the last import', async () => {
    await someTraffic();
    expect((await chat.say('/status', member, 'fz')).split('\n')).toEqual([
      '运行状态',
      '待发送：1条，最早一条已等待40分钟',
      '已发送：1条',
      '发送失败（需处理）：1条',
      '• 【检查结果】福州：企业微信机器人 key 无效，请检查 groups.json 中的 robot.key（wecom.send(fz): errcode 93000 (invalid webhook url)）',
      '修正配置后，管理员发送 /retry 重新发送。',
      '最近导入：福建省2020年第一季度（2020-04-14 09:00，fujian-2020q1-notice.txt）',
      '计划任务：无',
    ]);
  });

  it('shows only its own dead letters in another group', async () => {
    await someTraffic();
    expect(await chat.say('/status', member, 'xm')).toContain('本群发送失败（需处理）：无');
  });

  it('lists every group dead letters, tagged, outside any group', async () => {
    await someTraffic();
    expect(await chat.say('状态', { platform: 'cli' })).toContain('• [fz] 【检查结果】福州：');
  });

  it('shows the next scheduled work, soonest first, leaving out a job with nothing scheduled', async () => {
    const jobs = new JobBoard();
    jobs.add(statusText.reminderJob, () => at('10:05'));
    jobs.add(statusText.drainJob, () => at('10:01'));
    jobs.add('空闲任务', () => undefined);
    chat.services.jobs = jobs;
    expect(await chat.say('/status', member, 'fz')).toContain(
      '计划任务：消息发送 2020-04-14 10:01；整改提醒扫描 2020-04-14 10:05',
    );
  });

  it('reports an empty queue', async () => {
    const text = await chat.say('/status', member, 'fz');
    expect(text).toContain('待发送：0条');
    expect(text).toContain('本群发送失败（需处理）：无');
  });
});

describe('/retry', () => {
  it('puts the group dead letters back in the queue for an admin', async () => {
    await someTraffic();
    expect(await chat.say('/retry', admin, 'fz')).toBe(
      '已将1条发送失败的消息重新排队，将按频率限制依次发送。',
    );
    expect(chat.outbox.get('c')).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await chat.say('/retry', admin, 'fz')).toBe('没有需要重新发送的消息。');
  });

  it('politely refuses anyone else, naming the admins', async () => {
    await someTraffic();
    expect(await chat.say('/retry', member, 'fz')).toBe(
      '抱歉，只有本群管理员可以重新发送失败的消息。\n如需调整，请联系：王管理。',
    );
    expect(chat.outbox.get('c')?.status).toBe('dead');
  });

  it('retries every group for the operator at the shell, and nobody else outside a group', async () => {
    await someTraffic();
    expect(await chat.say('/retry', { platform: 'cli', name: '某人' })).toBe('请在已登记的群里使用 /retry。');
    expect(await chat.say('/retry', { platform: 'cli' })).toContain('已将1条');
  });
});
