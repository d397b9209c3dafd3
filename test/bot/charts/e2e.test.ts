import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../bot/config.ts';
import { start } from '../../../bot/main.ts';
import { silentLogger } from '../../../bot/logger.ts';
import { FakeDingtalk } from '../../fakes/dingtalk.ts';
import { checkWecomImage, imageType } from '../../fakes/images.ts';
import { FakeWecom } from '../../fakes/wecom.ts';
import { pngSize } from '../../support/png.ts';
import { otherRound } from '../../support/rounds.ts';
import { openEmptyStore } from '../../support/seeded-store.ts';

/**
 * /chart in a group, the whole bot against both fakes: WeCom (long connection) answers with the
 * text and the group robot pushes the picture, which the fake decodes and checks (base64, md5,
 * ≤ 2 MB, PNG); DingTalk (Stream) answers with markdown whose image URL is the bot's own
 * /charts/<id>.png, which the fake fetches from the bot as DingTalk's servers would.
 */
const WECOM_BOT = { botId: 'aibCHART', secret: 'chart-secret' };
const DT_APP = { clientId: 'dingCHART', clientSecret: 'chart-app-secret' };
const ROBOT_KEY = 'wecom-robot-key-chart';

let wecom: FakeWecom;
let dingtalk: FakeDingtalk;
let dir: Awaited<ReturnType<typeof openEmptyStore>>;
let running: Awaited<ReturnType<typeof start>>;
let port: number;

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const p = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return p;
}

beforeAll(async () => {
  wecom = await FakeWecom.start({ bots: [WECOM_BOT], keys: [ROBOT_KEY] });
  dingtalk = await FakeDingtalk.start({ apps: [DT_APP] });
  dir = await openEmptyStore();
  await dir.store.close();
  await writeFile(
    `${dir.dir}/groups.json`,
    JSON.stringify({
      groups: [
        { id: 'fj-wecom', name: '福建省检查群', platform: 'wecom', chatId: 'wrCHART', robot: { key: ROBOT_KEY }, follows: { regions: ['福建'] }, chart: true },
        { id: 'fj-dt', name: '福建省钉钉群', platform: 'dingtalk', conversationId: 'cidCHART', follows: { regions: ['福建'] } },
      ],
    }),
  );
  port = await freePort();
  const env = {
    DATA_DIR: dir.dir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    WECOM_MODE: 'longconn',
    WECOM_BOT_ID: WECOM_BOT.botId,
    WECOM_BOT_SECRET: WECOM_BOT.secret,
    WECOM_WS_URL: wecom.wsUrl,
    WECOM_API_BASE: wecom.url,
    DINGTALK_MODE: 'stream',
    DINGTALK_CLIENT_ID: DT_APP.clientId,
    DINGTALK_CLIENT_SECRET: DT_APP.clientSecret,
    DINGTALK_API_BASE: dingtalk.url,
    DINGTALK_OAPI_BASE: dingtalk.url,
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
  };
  running = await start(loadConfig(env), env, silentLogger);
});

afterAll(async () => {
  await running?.stop();
  await wecom.close();
  await dingtalk.close();
  await dir.cleanup();
});

describe('/chart 福建 in a group', () => {
  it('WeCom: the text comes back on the long connection and the group robot pushes the PNG', async () => {
    const reqId = wecom.push(WECOM_BOT.botId, {
      msgid: 'chart-wecom-1',
      aibotid: WECOM_BOT.botId,
      chatid: 'wrCHART',
      chattype: 'group',
      from: { userid: 'zhangsan' },
      msgtype: 'text',
      text: { content: '@巡检助手 /chart 福建' },
    });
    await wecom.waitFor('text reply', () => wecom.respondMsgs.some((f) => f.headers.req_id === reqId));
    const frame = wecom.respondMsgs.find((f) => f.headers.req_id === reqId)!;
    expect((frame.body as { stream: { content: string } }).stream.content).toContain('福建省 2020年第一季度各地区不合格率');
    await wecom.waitFor('image push', () => wecom.images.length === 1, 15_000);
    const [image] = wecom.images;
    expect(image!.key).toBe(ROBOT_KEY);
    expect(image!.type).toBe('png');
    expect(pngSize(image!.bytes).width).toBe(1920);
    const push = wecom.pushes.find((p) => (p.body as { msgtype: string }).msgtype === 'image')!;
    expect(checkWecomImage((push.body as { image: unknown }).image).ok).toBe(true);
  });

  it('DingTalk: the answer links the picture at PUBLIC_BASE_URL, and the link serves it', async () => {
    await dingtalk.waitFor('stream connection', () => dingtalk.gateway.connections(DT_APP.clientId) === 1);
    dingtalk.gateway.callback(
      DT_APP.clientId,
      dingtalk.robotMessage({ content: '/chart 福建', conversationId: 'cidCHART', staffId: 'manager1' }),
    );
    await dingtalk.waitFor('answer', () => dingtalk.answers('cidCHART').length === 1, 15_000);
    const [answer] = dingtalk.answers('cidCHART') as Array<{ markdown: { text: string } }>;
    expect(answer!.markdown.text).toMatch(
      new RegExp(`!\\[【示例数据】福建省 2020年第一季度各地区不合格率\\]\\(http://127\\.0\\.0\\.1:${port}/charts/[\\w-]+\\.[\\w-]+\\.png\\)`),
    );
    expect(answer!.markdown.text).toContain('不合格率最高为省直部门 4.00%（2/50）');
    await dingtalk.waitFor('image fetched', () => dingtalk.imageFetches.length === 1, 15_000);
    const [fetched] = dingtalk.imageFetches;
    expect(fetched!.status).toBe(200);
    expect(fetched!.type).toBe('image/png');
    expect(imageType(fetched!.bytes)).toBe('png');
    expect(pngSize(fetched!.bytes).width).toBe(1920);
  });

  it('a forged or altered link is 404 and never a server error', async () => {
    const url = dingtalk.imageFetches[0]!.url;
    const forged = url.replace(/\.([\w-]+)\.png$/, '.AAAAAAAAAAAAAAAAAAAAAA.png');
    expect((await fetch(forged)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/charts/nonsense.png`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/charts/${'x'.repeat(5000)}.png`)).status).toBe(404);
  });

  it('a group that opted in gets the round’s chart after the alerts of a new round', async () => {
    const before = wecom.pushes.length;
    const base = running.store.dataset().rounds[0]!.file;
    await running.imports.apply(otherRound(base, '2020Q2'), new Date());
    await wecom.waitFor('chart under the alerts', () => wecom.images.length === 2, 15_000);
    const after = wecom.pushes.slice(before).filter((p) => p.errcode === 0 && p.key === ROBOT_KEY);
    const types = after.map((p) => (p.body as { msgtype: string }).msgtype);
    // The alerts first, the picture last, in the robot's order.
    expect(types.at(-1)).toBe('image');
    expect(types.slice(0, -1).length).toBeGreaterThan(0);
    expect(types.slice(0, -1).every((t) => t === 'markdown')).toBe(true);
    expect(pngSize(wecom.images[1]!.bytes).width).toBe(1920);
  });
});
