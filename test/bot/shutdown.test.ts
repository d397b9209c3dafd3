import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../bot/config.ts';

/**
 * `npm start` as a service manager runs it: SIGTERM to npm (what `kill -TERM` on its pid, or
 * systemd's stop, sends) or to the bot process itself stops the bot within 10 s, releases the port
 * and the data directory's lock, and leaves the journals whole.
 */
let dir: string;
let proc: ChildProcess | undefined;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'shutdown-'));
});
afterEach(async () => {
  if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** `npm start` on a fresh data directory; resolves with the bot's pid once it listens. */
function npmStart(port: number): Promise<{ botPid: number; exited: Promise<number | null> }> {
  proc = spawn('npm', ['start'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, DATA_DIR: dir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const p = proc;
  const exited = new Promise<number | null>((resolve) => p.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('npm start did not listen within 40 s')), 40_000);
    let rest = '';
    p.stdout!.on('data', (c: Buffer) => {
      rest += c.toString('utf8');
      const lines = rest.split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as { msg?: string; pid?: number };
        if (entry.msg === 'inspection-bot listening') {
          clearTimeout(timer);
          resolve({ botPid: entry.pid as number, exited });
        }
      }
    });
  });
}

/** Holds an idle keep-alive connection open, as a reverse proxy does. */
async function keepAlive(port: number): Promise<http.Agent> {
  const agent = new http.Agent({ keepAlive: true });
  await new Promise<void>((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/healthz', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      })
      .on('error', reject);
  });
  return agent;
}

async function portFree(port: number): Promise<boolean> {
  const s = net.createServer();
  return new Promise((resolve) => {
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function expectStoppedCleanly(port: number, exited: Promise<number | null>, sentAt: number) {
  // npm forwards the signal to the script and exits without waiting for it: the bot's own
  // shutdown is what must finish within the 10 s, so poll for the port and the lock.
  const code = await exited;
  const lock = path.join(dir, 'writer.lock');
  while (Date.now() - sentAt < 10_000 && (!(await portFree(port)) || existsSync(lock)))
    await new Promise((r) => setTimeout(r, 100));
  expect(Date.now() - sentAt).toBeLessThan(10_000);
  expect(await portFree(port)).toBe(true);
  expect(existsSync(lock)).toBe(false);
  // Journals whole: every line of the redelivery journal parses, no torn tail.
  const inbox = await readFile(path.join(dir, 'inbox.log'), 'utf8').catch(() => '');
  for (const line of inbox.split('\n').filter(Boolean)) expect(line).toMatch(/^\S+\t\S+$/);
  return code;
}

describe('npm start and SIGTERM', () => {
  it('stops within 10 s when npm itself gets SIGTERM, with a keep-alive connection open', async () => {
    const port = await freePort();
    const { exited } = await npmStart(port);
    const agent = await keepAlive(port);
    const sentAt = Date.now();
    proc!.kill('SIGTERM');
    await expectStoppedCleanly(port, exited, sentAt);
    agent.destroy();
  }, 60_000);

  it('stops within 10 s when the bot process npm started gets SIGTERM, and starts again on the same data', async () => {
    const port = await freePort();
    const { botPid, exited } = await npmStart(port);
    const agent = await keepAlive(port);
    const sentAt = Date.now();
    process.kill(botPid, 'SIGTERM');
    await expectStoppedCleanly(port, exited, sentAt);
    agent.destroy();
    const again = await npmStart(port);
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect((await res.json()).rounds).toBe(1);
    proc!.kill('SIGTERM');
    await again.exited;
  }, 90_000);
});
