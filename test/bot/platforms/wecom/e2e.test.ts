import * as oracle from '@wecom/crypto';
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../bot/logger.ts';
import type { PipelineDeps } from '../../../../bot/pipeline.ts';
import { createResponder } from '../../../../bot/respond.ts';
import { createCallback } from '../../../../bot/platforms/wecom/http.ts';
import { createCipher } from '../../../../bot/platforms/wecom/crypto.ts';
import { WecomLongConn } from '../../../../bot/platforms/wecom/socket.ts';
import { FakeWecom } from '../../../fakes/wecom.ts';
import { openSeededStore } from '../../../support/seeded-store.ts';
import { groups, KEY, serve, signedPost, TOKEN, textMessage } from './helpers.ts';

/** Fuzhou in the shipped Fujian 2020Q1 notice: websites 39/39/0, new media 303/303/0. */
const WEBSITES = '政府网站：运行39个，检查39个，不合格0个';
const NEWMEDIA = '政务新媒体：运行303个，检查303个，不合格0个';

let seeded: Awaited<ReturnType<typeof openSeededStore>>;
let fake: FakeWecom;
let pipeline: PipelineDeps;

beforeAll(async () => {
  seeded = await openSeededStore();
  fake = await FakeWecom.start({ bots: [{ botId: 'aibE2E', secret: 'e2e-secret' }] });
  pipeline = { store: seeded.store, log: silentLogger, now: () => new Date('2020-04-14T09:00:00+08:00') };
});
afterAll(async () => {
  await fake.close();
  await seeded.cleanup();
});

describe('/rate 福州 over WeCom', () => {
  it('comes back in the passive reply of POST /wecom with the Fuzhou figures', async () => {
    const callback = createCallback({
      cipher: createCipher({ token: TOKEN, encodingAESKey: KEY }),
      groups,
      log: silentLogger,
      responder: createResponder({ pipeline, groups, log: silentLogger }),
      http: axios.create({ timeout: 2000 }),
      apiBase: fake.url,
    });
    const s = await serve(seeded.store, [callback.router()]);
    const req = signedPost(textMessage('/rate 福州', 'e2e-rate'));
    const res = await fetch(`${s.base}/wecom?${req.query}`, { method: 'POST', body: req.body });
    const body = (await res.json()) as {
      encrypt: string;
      msgsignature: string;
      timestamp: number;
      nonce: string;
    };
    expect(body.msgsignature).toBe(oracle.getSignature(TOKEN, body.timestamp, body.nonce, body.encrypt));
    const content = (JSON.parse(oracle.decrypt(KEY, body.encrypt).message) as { stream: { content: string } })
      .stream.content;
    expect(content.startsWith('**【示例数据】福州')).toBe(true);
    expect(content).toContain(WEBSITES);
    expect(content).toContain(NEWMEDIA);
    await s.close();
  });

  it('comes back as aibot_respond_msg over the long connection', async () => {
    const conn = new WecomLongConn({
      url: fake.wsUrl,
      botId: 'aibE2E',
      secret: 'e2e-secret',
      groups,
      log: silentLogger,
      responder: createResponder({ pipeline, groups, log: silentLogger }),
    });
    await conn.start();
    const reqId = fake.push('aibE2E', textMessage('／ｒａｔｅ　福州', 'e2e-lc'));
    await fake.waitFor('reply', () => fake.respondMsgs.some((f) => f.headers.req_id === reqId));
    const frame = fake.respondMsgs.find((f) => f.headers.req_id === reqId)!;
    const content = (frame.body as { stream: { content: string } }).stream.content;
    expect(content).toContain(WEBSITES);
    expect(content).toContain(NEWMEDIA);
    await conn.stop();
  });
});
