import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config.ts';
import { start } from '../../bot/main.ts';
import { FakeWecom } from '../fakes/wecom.ts';
import { captureLog } from '../support/log-capture.ts';
import { KEY, signedPost, TOKEN, textMessage } from './platforms/wecom/helpers.ts';

/**
 * A demo on the WeCom fake — a question in the group, a round over the API, its alert pushed —
 * then `curl /metrics`: the counters for messages, pushes and imports are not zero, and each
 * command, API call and push left one log line without the message's text or any secret.
 */
let dir: string;
let fake: FakeWecom;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'metrics-'));
  fake = await FakeWecom.start({ keys: ['robot-fz'] });
});
afterEach(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

const round = {
  period: '2020Q2',
  scope: '福建省',
  issuer: '福建省人民政府办公厅',
  deadline: '2020-07-17',
  tallies: [{ region: '福州市', channel: 'newmedia', total: 217, checked: 217, failed: 1 }],
  failures: [{ region: '福州市', channel: 'newmedia', unit: '福州市示例局', subject: '示例发布', platform: '微信公众号', problem: '超过14天未更新' }],
};

function metric(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`) || (labels === '' && l.startsWith(`${name} `)));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('GET /metrics after a demo', () => {
  it('shows non-zero counters for messages, pushes and imports, and logs one line per command, API call and push', async () => {
    const groupsFile = path.join(dir, 'groups.json');
    await writeFile(
      groupsFile,
      JSON.stringify({
        groups: [
          {
            id: 'fz',
            name: '福州市检查群',
            platform: 'wecom',
            robot: { key: 'env:FZ_KEY' },
            chatId: 'wrFUZHOU',
            follows: { regions: ['福州'], units: [] },
            admins: [{ name: '张三', wecomUserId: 'zhangsan' }],
          },
        ],
      }),
    );
    const env = {
      DATA_DIR: dir,
      GROUPS_FILE: groupsFile,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      WECOM_MODE: 'callback',
      WECOM_TOKEN: TOKEN,
      WECOM_ENCODING_AES_KEY: KEY,
      WECOM_API_BASE: fake.url,
      API_TOKEN: 'api-token-0123456789',
      METRICS_TOKEN: 'metrics-token-0123456789',
      FZ_KEY: 'robot-fz',
    };
    const { log, lines } = captureLog();
    const running = await start(loadConfig(env), env, log);
    const base = `http://127.0.0.1:${running.port}`;
    try {
      const ask = signedPost(textMessage('/rate 福州'));
      expect((await fetch(`${base}/wecom?${ask.query}`, { method: 'POST', body: ask.body })).status).toBe(200);
      const posted = await fetch(`${base}/api/rounds`, {
        method: 'POST',
        headers: { authorization: `Bearer ${env.API_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(round),
      });
      expect(posted.status).toBe(201);
      await fake.waitFor('the alert', () => fake.delivered('robot-fz').length > 0, 10_000);
      // The push is recorded as sent a moment after the fake answered it.
      for (let i = 0; i < 50 && !lines.some((l) => l.msg === 'push sent'); i++) await new Promise((r) => setTimeout(r, 50));

      const res = await fetch(`${base}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await res.text();
      expect(metric(text, 'inspection_bot_messages_received_total', 'platform="wecom"')).toBeGreaterThan(0);
      expect(metric(text, 'inspection_bot_messages_answered_total', 'platform="wecom",outcome="answered"')).toBeGreaterThan(0);
      expect(metric(text, 'inspection_bot_pushes_total', 'platform="wecom",errcode="0"')).toBeGreaterThan(0);
      expect(metric(text, 'inspection_bot_imports_total', 'outcome="new"')).toBeGreaterThan(0);
      expect(metric(text, 'inspection_bot_import_duration_seconds_count', '')).toBeGreaterThan(0);
      expect(text).toContain('inspection_bot_command_duration_seconds_bucket{le="0.005",command="rate"}');
      expect(text).toMatch(/^inspection_bot_outbox_depth \d+$/m);
      expect(text).toMatch(/^inspection_bot_outbox_dead_letters 0$/m);

      // Past a proxy (forwarded) only with the token; a wrong one is 401.
      const forwarded = { 'x-forwarded-for': '203.0.113.9' };
      expect((await fetch(`${base}/metrics`, { headers: forwarded })).status).toBe(401);
      const withToken = await fetch(`${base}/metrics`, {
        headers: { ...forwarded, authorization: `Bearer ${env.METRICS_TOKEN}` },
      });
      expect(withToken.status).toBe(200);

      const command = lines.find((l) => l.msg === 'command answered');
      expect(command).toMatchObject({ platform: 'wecom', command: 'rate', group: 'fz', outcome: 'answered' });
      expect(lines.find((l) => l.msg === 'api call')).toMatchObject({ method: 'POST', path: '/api/rounds', status: 201 });
      expect(lines.find((l) => l.msg === 'push sent')).toMatchObject({ platform: 'wecom', group: 'fz', errcode: 0 });
      const all = JSON.stringify(lines);
      expect(all).not.toContain('福州市示例局');
      expect(all).not.toContain('robot-fz');
      expect(all).not.toContain(env.API_TOKEN);
    } finally {
      await running.stop();
    }
  }, 30_000);
});
