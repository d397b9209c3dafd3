import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAskArgs, runAsk } from '../../../bot/cli/ask.ts';

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
