import axios from 'axios';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertRound, createAlertListener } from '../../../bot/alerts/listener.ts';
import { Subscriptions } from '../../../bot/alerts/subscriptions.ts';
import { makeGroups } from '../../../bot/groups.ts';
import { ImportService } from '../../../bot/imports.ts';
import { silentLogger } from '../../../bot/logger.ts';
import { Outbox } from '../../../bot/outbox/queue.ts';
import { createWecomPusher } from '../../../bot/platforms/wecom/index.ts';
import { LowStore } from '../../../data/store.ts';
import { dingtalkGroup, failure, roundFile, T0, wecomGroup } from '../../support/alert-world.ts';
import { FakeClock } from '../../support/clock.ts';

const wecom = createWecomPusher({
  config: { WECOM_API_BASE: 'http://127.0.0.1:9' } as never,
  http: axios.create(),
});
const groups = makeGroups([
  wecomGroup('sheng', ['福建']),
  wecomGroup('pt', ['平潭']),
  wecomGroup('fz', ['福州'], { allClear: true }),
  dingtalkGroup('dd', ['福建']),
]);
const q1 = roundFile('2020Q1', [
  failure('福建省教育厅', '35-sz'),
  failure('平潭政务', '35-pt', { channel: 'newmedia', platform: '微信公众号' }),
]);
const write = (file = q1) => ({ newRegions: [], roundFile: file });

let dir: string;
let imports: ImportService;
let outbox: Outbox;
let store: LowStore;
let deps: Parameters<typeof alertRound>[0];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'alerts-'));
  store = await LowStore.open(dir);
  outbox = await Outbox.open(dir);
  const subscriptions = await Subscriptions.open(dir, groups);
  deps = {
    store,
    groups,
    subscriptions,
    outbox,
    pushers: { wecom },
    clock: new FakeClock(T0),
    log: silentLogger,
  };
  imports = new ImportService(store, silentLogger);
  imports.onImported(createAlertListener(deps));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const titles = () => outbox.pending().map((e) => [e.groupId, e.reply!.title]);

describe('alerts listener on ImportService', () => {
  it('queues each group its failures (or its all-clear) when a round is imported', async () => {
    await imports.apply(write(), new Date(T0));
    expect(titles()).toEqual([
      ['sheng', '【检查结果】2020年第一季度本群关注范围内2项不合格'],
      ['pt', '【检查结果】2020年第一季度本群关注范围内1项不合格'],
      ['fz', '【检查结果】2020年第一季度本群关注范围内无不合格项'],
    ]);
  });

  it('queues nothing more when the same round is imported again, changed or not', async () => {
    await imports.apply(write(), new Date(T0));
    await imports.apply(write(), new Date(T0 + 60_000));
    const renamed = structuredClone(q1);
    renamed.round.title = '（更正）';
    await imports.apply(write(renamed), new Date(T0 + 120_000));
    expect(outbox.stats().pending).toBe(3);
  });

  it('queues only the failure a corrected round adds', async () => {
    await imports.apply(write(), new Date(T0));
    const corrected = structuredClone(q1);
    corrected.failures.push(failure('福建省财政厅', '35-sz'));
    await imports.apply(write(corrected), new Date(T0 + 60_000));
    const added = outbox.pending().slice(3);
    expect(added.map((e) => [e.groupId, e.reply!.lines.filter((l) => /^\d\./.test(l))])).toEqual([
      ['sheng', ['1. 【网站】福建省财政厅：栏目不更新（单项否决）']],
    ]);
  });

  it('catches up after a crash between the import and the alerts', async () => {
    await store.applyImport(write(), new Date(T0)); // the process died before the listener ran
    expect(await alertRound(deps, '2020Q1@35')).toBe(3);
    expect(await alertRound(deps, '2020Q1@35')).toBe(0);
  });

  it('skips groups whose platform has no pusher, and a round it does not know', async () => {
    await imports.apply(write(), new Date(T0));
    expect(outbox.pending().some((e) => e.groupId === 'dd')).toBe(false);
    expect(await alertRound(deps, 'nope')).toBe(0);
  });
});
