import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SEED_NOTICE } from '../../../data/import/seed.ts';
import { DataLock } from '../../../data/lock.ts';
import { runCli, startBot } from '../../support/processes.ts';

/**
 * The CLI when no bot runs: it takes the data directory's lock for the length of the command,
 * is refused while another writer holds it, and takes over a lock a crashed bot left behind.
 */
let dir: string;
let env: Record<string, string>;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'no-bot-'));
  env = { DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1' };
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('npm run import --apply with no bot running', () => {
  it('takes the lock itself, writes, and gives the lock back', async () => {
    const cli = await runCli('import', [SEED_NOTICE, '--apply'], env);
    expect(cli.code).toBe(0);
    expect(cli.stdout).not.toContain('经由运行中的机器人');
    expect(await readdir(path.join(dir, 'rounds'))).toEqual(['2020Q1@35.json']);
    await expect(stat(path.join(dir, 'writer.lock'))).rejects.toThrow();
  }, 60_000);

  it('is refused, naming the holder, while another writer holds the lock, and writes nothing', async () => {
    const held = await DataLock.acquire(dir, { role: 'cli', command: 'npm run import' });
    try {
      const cli = await runCli('import', [SEED_NOTICE, '--apply'], env);
      expect(cli.code).toBe(1);
      expect(cli.stdout).toContain(`命令行进程 pid ${process.pid}，主机 ${os.hostname()}`);
      await expect(readdir(path.join(dir, 'rounds'))).rejects.toThrow();
      // A preview only reads: it runs beside the writer.
      const preview = await runCli('import', [SEED_NOTICE], env);
      expect(preview.code).toBe(0);
    } finally {
      await held.release();
    }
  }, 60_000);

  it('takes over the lock a bot killed with SIGKILL left behind', async () => {
    const bot = await startBot(env);
    const pid = bot.proc.pid;
    await bot.kill();
    expect(JSON.parse(await readFile(path.join(dir, 'writer.lock'), 'utf8')).pid).toBe(pid);
    const cli = await runCli('ask', ['/rate 福州'], env);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('福州市');
    // The next bot starts too: the lock names nobody alive.
    const again = await startBot(env);
    try {
      expect(JSON.parse(await readFile(path.join(dir, 'writer.lock'), 'utf8')).pid).toBe(again.proc.pid);
    } finally {
      await again.stop();
    }
  }, 90_000);
});
