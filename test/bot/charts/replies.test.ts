import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as oracle from '@wecom/crypto';
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAsk } from '../../../bot/cli/ask.ts';
import { createChartImages } from '../../../bot/charts/images.ts';
import { loadConfig } from '../../../bot/config.ts';
import { silentLogger } from '../../../bot/logger.ts';
import type { PipelineDeps } from '../../../bot/pipeline.ts';
import { createDingtalk } from '../../../bot/platforms/dingtalk/index.ts';
import { createCallback } from '../../../bot/platforms/wecom/http.ts';
import { createResponder } from '../../../bot/respond.ts';
import { createCipher } from '../../../bot/platforms/wecom/crypto.ts';
import { FakeDingtalk } from '../../fakes/dingtalk.ts';
import { checkWecomImage } from '../../fakes/images.ts';
import { pngSize } from '../../support/png.ts';
import { openSeededStore } from '../../support/seeded-store.ts';
import { groups as dtGroups, http } from '../platforms/dingtalk/helpers.ts';
import { groups, KEY, serve, signedPost, TOKEN, textMessage } from '../platforms/wecom/helpers.ts';

let seeded: Awaited<ReturnType<typeof openSeededStore>>;
let pipeline: PipelineDeps;
beforeAll(async () => {
  seeded = await openSeededStore();
  pipeline = { store: seeded.store, log: silentLogger, now: () => new Date('2020-04-14T09:00:00+08:00') };
});
afterAll(() => seeded.cleanup());

describe('/chart as a WeCom passive reply', () => {
  it('carries the PNG in the finishing stream reply as msg_item (base64 + md5)', async () => {
    const callback = createCallback({
      cipher: createCipher({ token: TOKEN, encodingAESKey: KEY }),
      responder: createResponder({ pipeline, groups, log: silentLogger }),
      groups,
      log: silentLogger,
      http: axios.create({ timeout: 2000 }),
      apiBase: 'http://127.0.0.1:9',
      charts: createChartImages(seeded.store),
      budgetMs: 15_000,
    });
    const s = await serve(seeded.store, [callback.router()]);
    try {
      const req = signedPost(textMessage('/chart 福建', 'chart-passive'));
      const res = await fetch(`${s.base}/wecom?${req.query}`, { method: 'POST', body: req.body });
      const body = (await res.json()) as { encrypt: string };
      const plain = JSON.parse(oracle.decrypt(KEY, body.encrypt).message) as {
        stream: { finish: boolean; content: string; msg_item: Array<{ msgtype: string; image: unknown }> };
      };
      expect(plain.stream.finish).toBe(true);
      expect(plain.stream.content).toContain('福建省 2020年第一季度各地区不合格率');
      expect(plain.stream.msg_item).toHaveLength(1);
      expect(plain.stream.msg_item[0]!.msgtype).toBe('image');
      const image = checkWecomImage(plain.stream.msg_item[0]!.image);
      expect(image.ok).toBe(true);
      if (image.ok) expect(pngSize(image.bytes).width).toBe(1920);
    } finally {
      await s.close();
    }
  });

  it('sends no msg_item with an answer that has no chart', async () => {
    const callback = createCallback({
      cipher: createCipher({ token: TOKEN, encodingAESKey: KEY }),
      responder: createResponder({ pipeline, groups, log: silentLogger }),
      groups,
      log: silentLogger,
      http: axios.create({ timeout: 2000 }),
      apiBase: 'http://127.0.0.1:9',
      charts: createChartImages(seeded.store),
    });
    const s = await serve(seeded.store, [callback.router()]);
    try {
      const req = signedPost(textMessage('/rate 福州', 'chart-none'));
      const res = await fetch(`${s.base}/wecom?${req.query}`, { method: 'POST', body: req.body });
      const plain = JSON.parse(oracle.decrypt(KEY, ((await res.json()) as { encrypt: string }).encrypt).message);
      expect(plain.stream.msg_item).toBeUndefined();
    } finally {
      await s.close();
    }
  });
});

describe('/chart on DingTalk without PUBLIC_BASE_URL', () => {
  it('answers with the text version and says that pictures need PUBLIC_BASE_URL', async () => {
    const fake = await FakeDingtalk.start({ apps: [{ clientId: 'dingNOURL', clientSecret: 's' }] });
    try {
      const config = loadConfig({
        DINGTALK_MODE: 'stream',
        DINGTALK_CLIENT_ID: 'dingNOURL',
        DINGTALK_CLIENT_SECRET: 's',
        DINGTALK_API_BASE: fake.url,
        DINGTALK_OAPI_BASE: fake.url,
      });
      const dt = createDingtalk({ config, pipeline, groups: dtGroups, log: silentLogger, http, charts: createChartImages(seeded.store) })!;
      await dt.start!();
      fake.gateway.callback('dingNOURL', fake.robotMessage({ content: '/chart 福建', conversationId: 'cidNOURL' }));
      await fake.waitFor('answer', () => fake.answers('cidNOURL').length === 1, 10_000);
      const [answer] = fake.answers('cidNOURL') as Array<{ markdown: { text: string } }>;
      expect(answer!.markdown.text).not.toContain('![');
      expect(answer!.markdown.text).toContain('不合格率最高为省直部门 4.00%（2/50）');
      expect(answer!.markdown.text).toContain('请管理员设置 PUBLIC_BASE_URL');
      await dt.stop!();
    } finally {
      await fake.close();
    }
  });
});

describe('npm run ask -- "/chart 福建"', () => {
  it('writes the PNG to a file and prints its path', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ask-chart-'));
    try {
      const lines: string[] = [];
      const out = path.join(dir, 'out', 'fujian.png');
      const code = await runAsk(['--out', out, '/chart', '福建'], { DATA_DIR: dir, LOG_LEVEL: 'silent' }, (l) => lines.push(l));
      expect(code).toBe(0);
      expect(lines.join('\n')).toContain('福建省 2020年第一季度各地区不合格率');
      expect(lines.at(-1)).toBe(`图片已保存：${out}`);
      expect(pngSize(await readFile(out))).toEqual({ width: 1920, height: 900 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
