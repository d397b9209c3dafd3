import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../bot/config.ts';
import { silentLogger } from '../../../../bot/logger.ts';
import type { PipelineDeps } from '../../../../bot/pipeline.ts';
import { createDingtalk } from '../../../../bot/platforms/dingtalk/index.ts';
import { FakeDingtalk } from '../../../fakes/dingtalk.ts';
import { openSeededStore } from '../../../support/seeded-store.ts';
import { APP_SECRET, groups, http, serve, signedHeaders } from './helpers.ts';

/** Fuzhou in the shipped Fujian 2020Q1 notice: websites 39/39/0, new media 303/303/0. */
const WEBSITES = '政府网站：运行39个，检查39个，不合格0个';
const NEWMEDIA = '政务新媒体：运行303个，检查303个，不合格0个';
const APP = { clientId: 'dingE2E', clientSecret: 'e2e-secret' };

let seeded: Awaited<ReturnType<typeof openSeededStore>>;
let fake: FakeDingtalk;
let pipeline: PipelineDeps;

beforeAll(async () => {
  seeded = await openSeededStore();
  fake = await FakeDingtalk.start({ apps: [APP] });
  pipeline = { store: seeded.store, log: silentLogger, now: () => new Date('2020-04-14T09:00:00+08:00') };
});
afterAll(async () => {
  await fake.close();
  await seeded.cleanup();
});

function runtime(env: Record<string, string>) {
  const config = loadConfig({ DINGTALK_API_BASE: fake.url, DINGTALK_OAPI_BASE: fake.url, ...env });
  return createDingtalk({ config, pipeline, groups, log: silentLogger, http })!;
}

type Answer = { markdown: { title: string; text: string }; at: { atUserIds?: string[] } };

describe('/rate 福州 over DingTalk', () => {
  it('arrives over HTTP and is answered at the session webhook with the Fuzhou figures', async () => {
    const dingtalk = runtime({ DINGTALK_MODE: 'http', DINGTALK_APP_SECRET: APP_SECRET });
    const s = await serve(seeded.store, [dingtalk.router!]);
    const msg = fake.robotMessage({
      content: '/rate 福州',
      conversationId: 'cidE2EHTTP',
      staffId: 'manager7675',
    });
    const res = await fetch(`${s.base}/dingtalk`, {
      method: 'POST',
      headers: signedHeaders(),
      body: JSON.stringify(msg),
    });
    expect(res.status).toBe(200);
    await fake.waitFor('answer', () => fake.answers('cidE2EHTTP').length === 1);
    const [answer] = fake.answers('cidE2EHTTP') as Answer[];
    expect(answer!.markdown.title.startsWith('【示例数据】福州')).toBe(true);
    expect(answer!.markdown.text).toContain(WEBSITES);
    expect(answer!.markdown.text).toContain(NEWMEDIA);
    expect(answer!.markdown.text.endsWith('@manager7675')).toBe(true);
    expect(answer!.at.atUserIds).toEqual(['manager7675']);
    await s.close();
    await dingtalk.stop!();
  });

  it('arrives over Stream and is answered at the session webhook', async () => {
    const dingtalk = runtime({
      DINGTALK_MODE: 'stream',
      DINGTALK_CLIENT_ID: APP.clientId,
      DINGTALK_CLIENT_SECRET: APP.clientSecret,
    });
    await dingtalk.start!();
    fake.gateway.callback(
      APP.clientId,
      fake.robotMessage({ content: '／ｒａｔｅ　福州', conversationId: 'cidE2ESTREAM' }),
    );
    await fake.waitFor('answer', () => fake.answers('cidE2ESTREAM').length === 1);
    const [answer] = fake.answers('cidE2ESTREAM') as Answer[];
    expect(answer!.markdown.text).toContain(WEBSITES);
    expect(answer!.markdown.text).toContain(NEWMEDIA);
    await dingtalk.stop!();
    await fake.waitFor('disconnect', () => fake.gateway.connections(APP.clientId) === 0);
  });
});
