import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { throughWriter } from '../../../bot/cli/writer.ts';
import { loadConfig } from '../../../bot/config.ts';
import { start } from '../../../bot/main.ts';
import { captureLog } from '../../support/log-capture.ts';

let dir: string;
let printed: string[];
let aloneRan: number;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'writer-'));
  printed = [];
  aloneRan = 0;
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const route = (argv: string[]) => ({
  dataDir: dir,
  command: 'ask' as const,
  argv,
  out: (line: string) => printed.push(line),
  alone: async () => {
    aloneRan += 1;
    // While the command runs alone, it holds the lock.
    expect((await stat(path.join(dir, 'writer.lock'))).isFile()).toBe(true);
    return 0;
  },
});

describe('throughWriter()', () => {
  it('runs the command inside the running bot when one holds the directory', async () => {
    const env = { DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' };
    const bot = await start(loadConfig(env), env, captureLog().log);
    try {
      expect(await throughWriter(route(['/rate 福州']))).toBe(0);
      expect(aloneRan).toBe(0);
      expect(printed[0]).toBe(`（经由运行中的机器人 pid ${process.pid} 执行）`);
      expect(printed.join('\n')).toContain('福州市');
    } finally {
      await bot.stop();
    }
  });

  it('runs the command here under the lock when no bot runs, and gives the lock back', async () => {
    expect(await throughWriter(route(['/rate']))).toBe(0);
    expect(aloneRan).toBe(1);
    await expect(stat(path.join(dir, 'writer.lock'))).rejects.toThrow();
  });

  it('runs here when the bot crashed, leaving its lock and admin.json behind', async () => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await new Promise((r) => child.once('exit', r));
    const lock = { role: 'bot', pid: child.pid, host: os.hostname(), startedAt: '2026-12-01T00:00:00.000Z' };
    await writeFile(path.join(dir, 'writer.lock'), JSON.stringify(lock));
    await writeFile(path.join(dir, 'admin.json'), JSON.stringify({ pid: child.pid, port: 9, token: 'x' }), {
      mode: 0o600,
    });
    expect(await throughWriter(route(['/rate']))).toBe(0);
    expect(aloneRan).toBe(1);
  });

  it('refuses, naming the host, when a bot on another host holds the directory', async () => {
    const lock = { role: 'bot', pid: 4121, host: 'gov-bot-2', startedAt: '2026-12-01T00:00:00.000Z' };
    await writeFile(path.join(dir, 'writer.lock'), JSON.stringify(lock));
    expect(await throughWriter(route(['/done 某局']))).toBe(1);
    expect(aloneRan).toBe(0);
    expect(printed).toEqual([
      '数据目录由另一台主机上的进程写入：机器人进程 pid 4121，主机 gov-bot-2，启动于 2026-12-01T00:00:00.000Z。命令只能在那台主机上执行，以便经由它的机器人写入。',
    ]);
  });
});
