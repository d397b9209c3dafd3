import * as oracle from '@wecom/crypto';
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../bot/config.ts';
import { silentLogger } from '../../../../bot/logger.ts';
import { createPlatforms } from '../../../../bot/platforms/index.ts';
import type { PlatformDeps } from '../../../../bot/platforms/platform.ts';
import { createWecom, createWecomPusher } from '../../../../bot/platforms/wecom/index.ts';
import { reply } from '../../../../handlers/reply.ts';
import { FakeWecom } from '../../../fakes/wecom.ts';
import { emptyStore, groups, KEY, serve, signedPost, TOKEN, textMessage } from './helpers.ts';

let fake: FakeWecom;
let store: Awaited<ReturnType<typeof emptyStore>>;

beforeAll(async () => {
  fake = await FakeWecom.start({ keys: ['k-index'], bots: [{ botId: 'aibIDX', secret: 's3cret' }] });
  store = await emptyStore();
});
afterAll(async () => {
  await fake.close();
  await store.cleanup();
});

function deps(env: Record<string, string>): PlatformDeps {
  return {
    config: loadConfig({ WECOM_API_BASE: fake.url, WECOM_WS_URL: fake.wsUrl, ...env }),
    pipeline: { store: store.store, log: silentLogger, now: () => new Date() },
    groups,
    log: silentLogger,
    http: axios.create({ timeout: 2000 }),
  };
}

describe('createWecom()', () => {
  it('returns nothing when WECOM_MODE is off', () => {
    expect(createWecom(deps({}))).toBeUndefined();
  });

  it('mounts /wecom in callback mode, answering a signed message', async () => {
    const runtime = createWecom(
      deps({ WECOM_MODE: 'callback', WECOM_TOKEN: TOKEN, WECOM_ENCODING_AES_KEY: KEY }),
    );
    expect(runtime?.router).toBeDefined();
    const s = await serve(store.store, [runtime!.router!]);
    const req = signedPost(textMessage('/help', 'idx-1'));
    const res = await fetch(`${s.base}/wecom?${req.query}`, { method: 'POST', body: req.body });
    const body = (await res.json()) as { encrypt: string };
    expect(oracle.decrypt(KEY, body.encrypt).message).toContain('"finish":true');
    await s.close();
    await runtime!.stop!();
  });

  it('opens the long connection in longconn mode and closes it on stop()', async () => {
    const runtime = createWecom(
      deps({ WECOM_MODE: 'longconn', WECOM_BOT_ID: 'aibIDX', WECOM_BOT_SECRET: 's3cret' }),
    );
    expect(runtime?.router).toBeUndefined();
    await runtime!.start!();
    expect(fake.isConnected('aibIDX')).toBe(true);
    await runtime!.stop!();
    await fake.waitFor('disconnect', () => !fake.isConnected('aibIDX'));
  });

  it('is registered with createPlatforms()', () => {
    const platforms = createPlatforms(
      deps({ WECOM_MODE: 'callback', WECOM_TOKEN: TOKEN, WECOM_ENCODING_AES_KEY: KEY }),
    );
    expect(platforms.some((p) => p.router?.stack.some((l) => l.path === '/wecom'))).toBe(true);
  });
});

describe('createWecomPusher()', () => {
  it('pushes to WECOM_API_BASE', async () => {
    const d = deps({});
    const pusher = createWecomPusher(d);
    const group = { ...groups.list[0]!, robot: { key: 'k-index' } } as (typeof groups.list)[0];
    await pusher.send(group, pusher.render(reply('通知', ['福州市网站全部合格'])).body);
    expect(fake.delivered('k-index')).toHaveLength(1);
  });
});
