import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataLock, LockHeldError } from '../../data/lock.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lock-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const lockFile = () => path.join(dir, 'writer.lock');
const at = new Date('2020-04-14T10:00:00+08:00');

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

describe('DataLock.acquire()', () => {
  it('writes the holder (role, pid, host, start time) and removes it on release', async () => {
    const lock = await DataLock.acquire(dir, { role: 'bot', command: 'npm start' }, at);
    expect(JSON.parse(await readFile(lockFile(), 'utf8'))).toMatchObject({
      role: 'bot',
      pid: process.pid,
      host: os.hostname(),
      startedAt: '2020-04-14T02:00:00.000Z',
      command: 'npm start',
    });
    expect(await DataLock.holder(dir)).toMatchObject({ alive: true, holder: { pid: process.pid } });
    await lock.release();
    expect(await DataLock.holder(dir)).toBeUndefined();
  });

  it('refuses a second writer with a Chinese message naming the holder’s pid, host and start time', async () => {
    const first = await DataLock.acquire(dir, { role: 'bot' }, at);
    const second = DataLock.acquire(dir, { role: 'cli', command: 'npm run import' });
    await expect(second).rejects.toBeInstanceOf(LockHeldError);
    await expect(second).rejects.toThrow(
      `数据目录已被另一个写入进程占用：机器人进程 pid ${process.pid}，主机 ${os.hostname()}，启动于 2020-04-14T02:00:00.000Z`,
    );
    await first.release();
  });

  it('takes over a lock whose process is gone (a crash or kill -9)', async () => {
    const pid = await deadPid();
    await writeFile(
      lockFile(),
      JSON.stringify({ role: 'bot', pid, host: os.hostname(), startedAt: at.toISOString() }),
    );
    expect(await DataLock.holder(dir)).toMatchObject({ alive: false, holder: { pid } });
    const lock = await DataLock.acquire(dir, { role: 'cli' });
    expect(JSON.parse(await readFile(lockFile(), 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('takes over a lock whose pid now belongs to another process (started at another time)', async () => {
    const stale = {
      role: 'bot',
      pid: process.ppid,
      host: os.hostname(),
      startedAt: at.toISOString(),
      procStart: '1',
    };
    await writeFile(lockFile(), JSON.stringify(stale));
    const lock = await DataLock.acquire(dir, { role: 'bot' });
    await lock.release();
  });

  it('takes over a lock naming this very pid that this process does not hold (a restarted container)', async () => {
    await writeFile(
      lockFile(),
      JSON.stringify({ role: 'bot', pid: process.pid, host: os.hostname(), startedAt: at.toISOString() }),
    );
    const lock = await DataLock.acquire(dir, { role: 'bot' });
    await lock.release();
  });

  it('refuses a lock held on another host: its process cannot be checked from here', async () => {
    await writeFile(
      lockFile(),
      JSON.stringify({ role: 'bot', pid: 1, host: 'other-host', startedAt: at.toISOString() }),
    );
    await expect(DataLock.acquire(dir, { role: 'cli' })).rejects.toThrow(/主机 other-host/);
  });

  it('lets exactly one of many racing takeovers of a stale lock win', async () => {
    const pid = await deadPid();
    await writeFile(
      lockFile(),
      JSON.stringify({ role: 'bot', pid, host: os.hostname(), startedAt: at.toISOString() }),
    );
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        DataLock.acquire(dir, { role: 'cli', command: `c${i}` }, new Date(at.getTime() + i)),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(LockHeldError);
    await (won[0] as PromiseFulfilledResult<DataLock>).value.release();
  });

  it('stops with the file named when the lock file is damaged, rather than guess', async () => {
    await writeFile(lockFile(), '{"role":"bo');
    await expect(DataLock.acquire(dir, { role: 'bot' })).rejects.toThrow(`锁文件 ${lockFile()} 无法读取`);
  });
});

describe('DataLock.release()', () => {
  it('leaves a lock alone that another process took over meanwhile', async () => {
    const lock = await DataLock.acquire(dir, { role: 'bot' }, at);
    const other = JSON.stringify({ role: 'bot', pid: 1, host: 'other-host', startedAt: at.toISOString() });
    await writeFile(lockFile(), other);
    await lock.release();
    expect(await readFile(lockFile(), 'utf8')).toBe(other);
  });
});
