import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAdmin } from '../../../bot/admin/server.ts';
import { silentLogger } from '../../../bot/logger.ts';
import { LowStore } from '../../../data/store.ts';

let dir: string;
let store: LowStore;
const calls: Array<{ command: string; argv: string[] }> = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'admin-'));
  store = await LowStore.open(dir);
  calls.length = 0;
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

async function admin() {
  return startAdmin({
    dataDir: dir,
    store,
    log: silentLogger,
    commands: {
      import: async (argv, out) => {
        calls.push({ command: 'import', argv });
        out('导入完成');
        return 0;
      },
      ask: async (argv, out) => {
        calls.push({ command: 'ask', argv });
        out('答复');
        return 2;
      },
    },
  });
}

const post = (port: number, body: unknown, token?: string) =>
  fetch(`http://127.0.0.1:${port}/admin/run`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

describe('startAdmin()', () => {
  it('writes port and a fresh secret to admin.json readable only by its owner, and removes it on stop', async () => {
    const a = await admin();
    const file = path.join(dir, 'admin.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const record = JSON.parse(await readFile(file, 'utf8'));
    expect(record).toEqual({
      pid: process.pid,
      port: a.port,
      token: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    await a.stop();
    await expect(stat(file)).rejects.toThrow();
  });

  it('runs the named command with its argv and returns the exit code and printed lines', async () => {
    const a = await admin();
    const { token } = JSON.parse(await readFile(path.join(dir, 'admin.json'), 'utf8'));
    const res = await post(a.port, { command: 'ask', argv: ['--group', 'g', '/done 某局'] }, token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ code: 2, lines: ['答复'] });
    expect(calls).toEqual([{ command: 'ask', argv: ['--group', 'g', '/done 某局'] }]);
    await a.stop();
  });

  it('refuses a missing or wrong secret with 401 and runs nothing', async () => {
    const a = await admin();
    expect((await post(a.port, { command: 'import', argv: [] })).status).toBe(401);
    expect((await post(a.port, { command: 'import', argv: [] }, 'f'.repeat(64))).status).toBe(401);
    expect(calls).toEqual([]);
    await a.stop();
  });

  it('refuses an unknown command or a malformed body with 400', async () => {
    const a = await admin();
    const { token } = JSON.parse(await readFile(path.join(dir, 'admin.json'), 'utf8'));
    expect((await post(a.port, { command: 'rm', argv: [] }, token)).status).toBe(400);
    expect((await post(a.port, { command: 'ask', argv: 'x' }, token)).status).toBe(400);
    expect(calls).toEqual([]);
    await a.stop();
  });

  it('makes a new secret at every start', async () => {
    const a = await admin();
    const first = JSON.parse(await readFile(path.join(dir, 'admin.json'), 'utf8')).token;
    await a.stop();
    const b = await admin();
    expect(JSON.parse(await readFile(path.join(dir, 'admin.json'), 'utf8')).token).not.toBe(first);
    await b.stop();
  });
});
