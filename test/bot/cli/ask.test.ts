import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAskArgs, runAsk } from '../../../bot/cli/ask.ts';
import { Outbox } from '../../../bot/outbox/queue.ts';
import { reply } from '../../../handlers/reply.ts';

let dir: string;
let env: Record<string, string>;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ask-cli-'));
  env = { DATA_DIR: dir, LOG_LEVEL: 'silent' };
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const ask = async (...argv: string[]) => {
  const lines: string[] = [];
  const code = await runAsk(argv, env, (l) => lines.push(l));
  return { code, text: lines.join('\n') };
};

describe('npm run ask -- "<message>"', () => {
  it('answers /rate 福州 from the shipped notice on an empty DATA_DIR', async () => {
    const { code, text } = await ask('/rate 福州');
    expect(code).toBe(0);
    expect(text).toContain('福州市 2020年第一季度检查情况');
    expect(text).toContain('政府网站：运行39个，检查39个，不合格0个；合格率100.00%，不合格率0.00%');
    expect(text).toContain('政务新媒体：运行303个，检查303个，不合格0个；合格率100.00%，不合格率0.00%');
  });

  it('joins several words into one message and accepts --now', async () => {
    const { code, text } = await ask('--now', '2020-04-15T09:00:00+08:00', '/rate', '省直');
    expect(code).toBe(0);
    expect(text).toContain('不合格2个；合格率96.00%，不合格率4.00%');
  });

  it('exits 0 with a suggestion for an unknown command: a reply was produced', async () => {
    const { code, text } = await ask('/rte');
    expect(code).toBe(0);
    expect(text).toContain('您是不是要找：/rate？');
  });

  it('exits 2 with an example when --now cannot be read', async () => {
    const { code, text } = await ask('--now', 'yesterday', '/rate');
    expect(code).toBe(2);
    expect(text).toBe('--now 的时间无法识别：yesterday（例：2020-04-15T09:00:00+08:00）');
  });

  it('exits 2 with the usage when there is no message or an option lacks its value', async () => {
    expect((await ask()).code).toBe(2);
    expect((await ask()).text).toMatch(/^用法：npm run ask --/);
    expect((await ask('/rate', '--now')).text).toMatch(/^--now 需要一个值。/);
  });
});

describe('npm run ask -- "/status"', () => {
  it("reads the running bot's outbox files without writing them: depth, oldest age, dead letters", async () => {
    const at = (hhmm: string) => new Date(`2020-04-14T${hhmm}:00+08:00`);
    const outbox = await Outbox.open(dir);
    await outbox.enqueue(
      { key: 'a', groupId: 'fz', kind: 'alert', reply: reply('排队中的提醒') },
      at('09:20'),
    );
    await outbox.enqueue(
      { key: 'b', groupId: 'fz', kind: 'alert', reply: reply('【检查结果】福州') },
      at('09:30'),
    );
    await outbox.begin('b', at('09:30'));
    await outbox.markDead(
      'b',
      { reason: 'errcode 93000 (invalid webhook url)', errcode: 93000 },
      at('09:30'),
    );
    const files = async () =>
      Object.fromEntries(
        await Promise.all(
          (await readdir(dir))
            .filter((f) => f.startsWith('outbox'))
            .map(async (f) => [f, await readFile(path.join(dir, f), 'utf8')]),
        ),
      );
    const before = await files();
    expect(Object.keys(before)).toContain('outbox.log'); // changes not yet folded into the snapshot

    const { code, text } = await ask('--now', '2020-04-14T10:00:00+08:00', '/status');
    expect(code).toBe(0);
    expect(text).toContain('待发送：1条，最早一条已等待40分钟');
    expect(text).toContain('发送失败（需处理）：1条');
    expect(text).toContain('• [fz] 【检查结果】福州：企业微信机器人 key 无效');
    expect(text).toContain('（以上发送队列情况读自数据目录，由运行中的机器人负责发送和重发。）');
    expect(await files()).toEqual(before);
  });

  it('says the outbox is not set up when DATA_DIR has none, and creates none', async () => {
    const { text } = await ask('/status');
    expect(text).toContain('消息发送队列未启用。');
    expect((await readdir(dir)).filter((f) => f.startsWith('outbox'))).toEqual([]);
  });

  it('does not let /retry re-queue anything: only the running bot writes the outbox', async () => {
    const outbox = await Outbox.open(dir);
    await outbox.enqueue({ key: 'b', groupId: 'fz', kind: 'alert', reply: reply('x') }, new Date());
    await outbox.begin('b', new Date());
    await outbox.markDead('b', { reason: 'errcode 93000', errcode: 93000 }, new Date());
    expect((await ask('/retry')).text).toBe('消息发送队列未启用。');
    expect((await Outbox.open(dir)).get('b')?.status).toBe('dead');
  });
});

describe('parseAskArgs()', () => {
  it('reads --now, --group and --as in any position', () => {
    expect(
      parseAskArgs([
        '--group',
        'fz',
        '/rate',
        '--as',
        '13800000000',
        '福州',
        '--now',
        '2020-04-15T09:00:00+08:00',
      ]),
    ).toEqual({
      text: '/rate 福州',
      group: 'fz',
      as: '13800000000',
      now: new Date('2020-04-15T01:00:00.000Z'),
    });
  });
});
