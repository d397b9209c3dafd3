import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config.ts';
import { start } from '../../bot/main.ts';
import { answer } from '../../bot/pipeline.ts';
import { replyToText } from '../../handlers/reply.ts';
import { captureLog } from '../support/log-capture.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'main-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('start()', () => {
  it('seeds the shipped notice into an empty DATA_DIR, answers /healthz, and stops', async () => {
    const env = { DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' };
    const { log, lines } = captureLog();
    const running = await start(loadConfig(env), env, log);
    try {
      expect(running.port).toBeGreaterThan(0);
      expect(await readdir(path.join(dir, 'rounds'))).toEqual(['2020Q1@35.json']);
      const res = await fetch(`http://127.0.0.1:${running.port}/healthz`);
      expect(await res.json()).toEqual({ ok: true, rounds: 1, latest: '2020Q1@35' });
      expect(lines.some((l) => l.msg === 'empty store: imported the shipped Fujian 2020Q1 notice')).toBe(
        true,
      );
      expect(lines.some((l) => l.msg === 'inspection-bot listening' && l.port === running.port)).toBe(true);
    } finally {
      await running.stop();
    }
    expect(running.server.listening).toBe(false);
  });

  it('does not import the notice again on the next start', async () => {
    const env = { DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' };
    await (await start(loadConfig(env), env, captureLog().log)).stop();
    const { log, lines } = captureLog();
    const again = await start(loadConfig(env), env, log);
    await again.stop();
    expect(again.store.dataset().rounds).toHaveLength(1);
    expect(lines.some((l) => l.msg === 'empty store: imported the shipped Fujian 2020Q1 notice')).toBe(false);
  });

  it('lists the reminder scan among the next scheduled jobs in /status', async () => {
    const env = { DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' };
    const running = await start(loadConfig(env), env, captureLog().log);
    try {
      const text = replyToText(await answer(running.pipeline, '/status', { platform: 'cli' }));
      // At its next 5-minute mark; the outbox drain is listed too while it has a wake-up set.
      expect(text).toMatch(
        /^计划任务：(消息发送 [\d-]+ [\d:]+；)?整改提醒扫描 \d{4}-\d{2}-\d{2} \d{2}:\d[05]$/m,
      );
    } finally {
      await running.stop();
    }
  });
});

describe('start() with a damaged journal', () => {
  it('with PROBE=on schedules the registered sites, lists the next try in /status, and writes the tallies when stopped', async () => {
    const env = { DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', PROBE: 'on' };
    const { log, lines } = captureLog();
    const running = await start(loadConfig(env), env, log);
    try {
      expect(running.probing.loop).toBeDefined();
      await running.store.applyRegister({
        newRegions: [],
        units: [],
        // Nothing listens there: the bot only schedules it (a try is hours away at most).
        sites: [
          {
            id: 'fz-portal',
            name: '福州市人民政府',
            url: 'http://127.0.0.1:9/',
            regionId: '350100',
            kind: 'portal',
          },
        ],
        accounts: [],
      });
      const text = replyToText(await answer(running.pipeline, '/status', { platform: 'cli' }));
      expect(text).toMatch(/站点探测 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
      expect(lines.some((l) => l.msg === 'probing: on')).toBe(true);
    } finally {
      await running.stop();
    }
    expect(running.probing.loop?.nextTry()).toBeUndefined();
    expect(await readdir(dir)).toContain('probe.json');
  });

  it('refuses to start, naming the file and line, when a line inside outbox.log is bad', async () => {
    const env = { DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' };
    await writeFile(path.join(dir, 'outbox.log'), '{"entry":{"key":"a"\n{"entry":{"key":"b","seq":1}}\n');
    await expect(start(loadConfig(env), env, captureLog().log)).rejects.toThrow(/outbox\.log 第1行无法读取/);
  });

  it('starts and logs the drop when only the last line of inbox.log is torn', async () => {
    const env = { DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' };
    await (await start(loadConfig(env), env, captureLog().log)).stop();
    await writeFile(path.join(dir, 'inbox.log'), '2020-04-14T02:00:00.000Z\twecom:m1\n2020-04-1');
    const { log, lines } = captureLog();
    const running = await start(loadConfig(env), env, log);
    await running.stop();
    expect(
      lines.some((l) => l.level === 40 && /inbox\.log 第2行是写到一半的最后一行/.test(String(l.msg))),
    ).toBe(true);
  });
});
