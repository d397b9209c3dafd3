import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../bot/config.ts';
import { ConfigError } from '../../../../bot/errors.ts';
import { silentLogger } from '../../../../bot/logger.ts';
import { createDingtalk, createDingtalkPusher } from '../../../../bot/platforms/dingtalk/index.ts';
import { createPlatforms } from '../../../../bot/platforms/index.ts';
import type { PlatformDeps } from '../../../../bot/platforms/platform.ts';
import { reply } from '../../../../handlers/reply.ts';
import { FakeDingtalk } from '../../../fakes/dingtalk.ts';
import { APP_SECRET, emptyStore, groups, http, serve, signedHeaders } from './helpers.ts';

let fake: FakeDingtalk;
let store: Awaited<ReturnType<typeof emptyStore>>;

beforeAll(async () => {
  fake = await FakeDingtalk.start({
    robots: [{ accessToken: 'tok-index', secret: 'SECindex' }],
    apps: [{ clientId: 'dingIDX', clientSecret: 's3cret' }],
  });
  store = await emptyStore();
});
afterAll(async () => {
  await fake.close();
  await store.cleanup();
});

function deps(env: Record<string, string>): PlatformDeps {
  return {
    config: loadConfig({ DINGTALK_API_BASE: fake.url, DINGTALK_OAPI_BASE: fake.url, ...env }),
    pipeline: { store: store.store, log: silentLogger, now: () => new Date() },
    groups,
    log: silentLogger,
    http,
  };
}

describe('createDingtalk()', () => {
  it('returns nothing when DINGTALK_MODE is off', () => {
    expect(createDingtalk(deps({}))).toBeUndefined();
  });

  it('mounts POST /dingtalk in http mode, answering a signed message', async () => {
    const runtime = createDingtalk(deps({ DINGTALK_MODE: 'http', DINGTALK_APP_SECRET: APP_SECRET }));
    expect(runtime?.start).toBeUndefined();
    const s = await serve(store.store, [runtime!.router!]);
    const msg = fake.robotMessage({ content: '/help', conversationId: 'cidIDX' });
    const res = await fetch(`${s.base}/dingtalk`, {
      method: 'POST',
      headers: signedHeaders(),
      body: JSON.stringify(msg),
    });
    expect(res.status).toBe(200);
    await runtime!.stop!(); // waits for the answer
    expect(fake.answers('cidIDX')).toHaveLength(1);
    await s.close();
  });

  it('opens a Stream connection in stream mode and closes it on stop()', async () => {
    const runtime = createDingtalk(
      deps({ DINGTALK_MODE: 'stream', DINGTALK_CLIENT_ID: 'dingIDX', DINGTALK_CLIENT_SECRET: 's3cret' }),
    );
    expect(runtime?.router).toBeUndefined();
    await runtime!.start!();
    expect(fake.gateway.connections('dingIDX')).toBe(1);
    await runtime!.stop!();
    await fake.waitFor('disconnect', () => fake.gateway.connections('dingIDX') === 0);
  });

  it('is registered with createPlatforms()', () => {
    const platforms = createPlatforms(deps({ DINGTALK_MODE: 'http', DINGTALK_APP_SECRET: APP_SECRET }));
    expect(platforms.some((p) => p.router?.stack.some((l) => l.path === '/dingtalk'))).toBe(true);
  });

  it('is refused by loadConfig without its credentials, naming each missing variable', () => {
    expect(() => loadConfig({ DINGTALK_MODE: 'http' })).toThrow(ConfigError);
    expect(() => loadConfig({ DINGTALK_MODE: 'stream', DINGTALK_CLIENT_ID: 'x' })).toThrow(
      /DINGTALK_CLIENT_SECRET/,
    );
  });
});

describe('createDingtalkPusher()', () => {
  it('pushes to DINGTALK_OAPI_BASE, signed with the group robot secret', async () => {
    const pusher = createDingtalkPusher(deps({}));
    const group = {
      ...groups.list[0]!,
      robot: { accessToken: 'tok-index', secret: 'SECindex' },
    } as (typeof groups.list)[0];
    await pusher.send(group, pusher.render(reply('通知', ['福州市网站全部合格'])).body);
    expect(fake.delivered('tok-index')).toHaveLength(1);
  });
});
