import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as oracle from '@wecom/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, repoRoot } from '../../../../bot/config.ts';
import { silentLogger } from '../../../../bot/logger.ts';
import { start } from '../../../../bot/main.ts';
import type { ServedFile } from '../../../fakes/dingtalk.ts';
import { FakeWecom } from '../../../fakes/wecom.ts';
import { KEY, signedPost, TOKEN } from './helpers.ts';

/**
 * Import from the group by file, end to end on the WeCom fake and the real bot (bot/main.ts
 * start), on both transports: an admin quotes a notice file in the group with an @ (how a file
 * reaches a 智能机器人 in a group, protocols.md §10.2) → the bot downloads the encrypted bytes
 * (callback: decrypted with the bot's EncodingAESKey; long connection: with the message's own
 * aeskey) → the preview comes back → /apply → /rate answers the new round → its alert reaches the
 * group robot. Also: a non-admin (refused before any download), unreadable and oversized files,
 * a lapsed link, /cancel, a second file replacing the first, a file sent in a single chat.
 */
const files = path.join(repoRoot, 'test', 'fixtures', 'files');
const real = (name: string): ServedFile => ({ name, bytes: readFileSync(path.join(files, name)) });
const RESULTS_XLSX: ServedFile = {
  name: '2020年第二季度检查结果.xlsx',
  bytes: readFileSync(path.join(repoRoot, 'data', 'templates', 'results.xlsx')),
};
const BOT = { botId: 'aibIMPORT', secret: 'import-secret' };
const CHAT = 'wrFUZHOU';

describe.each(['callback', 'longconn'] as const)('a notice file sent in a WeCom group (%s)', (mode) => {
  let dir: string;
  let fake: FakeWecom;
  let running: Awaited<ReturnType<typeof start>>;
  let base: string;
  let now = Date.now();

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), `chat-file-wecom-${mode}-`));
    fake = await FakeWecom.start({ keys: ['robot-fj'], bots: [BOT], now: () => now });
    const groupsFile = path.join(dir, 'groups.json');
    await writeFile(
      groupsFile,
      JSON.stringify({
        groups: [
          {
            id: 'fj',
            name: '省政府办公厅群',
            platform: 'wecom',
            robot: { key: 'env:FJ_KEY' },
            chatId: CHAT,
            follows: { regions: ['福建省'], units: [] },
            admins: [
              { name: '张三', wecomUserId: 'zhangsan' },
              { name: '王五', wecomUserId: 'wangwu' },
            ],
          },
        ],
      }),
    );
    const env: Record<string, string> = {
      DATA_DIR: dir,
      GROUPS_FILE: groupsFile,
      PORT: '0',
      HOST: '127.0.0.1',
      WECOM_API_BASE: fake.url,
      FJ_KEY: 'robot-fj',
      ...(mode === 'callback'
        ? { WECOM_MODE: 'callback', WECOM_TOKEN: TOKEN, WECOM_ENCODING_AES_KEY: KEY }
        : {
            WECOM_MODE: 'longconn',
            WECOM_BOT_ID: BOT.botId,
            WECOM_BOT_SECRET: BOT.secret,
            WECOM_WS_URL: fake.wsUrl,
          }),
    };
    running = await start(loadConfig(env), env, silentLogger);
    base = `http://127.0.0.1:${running.port}`;
  }, 30_000);

  afterAll(async () => {
    await running?.stop();
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * Sends a message the way this transport delivers it; resolves with the answer's text: the
   * passive reply, or (past the callback's 3 s budget) the response_url post; over the long
   * connection the aibot_respond_msg frame.
   */
  async function send(msg: Record<string, unknown>): Promise<string> {
    if (mode === 'longconn') {
      const reqId = fake.push(BOT.botId, msg);
      await fake.waitFor('the reply', () => fake.respondMsgs.some((f) => f.headers.req_id === reqId), 15_000);
      const frame = fake.respondMsgs.find((f) => f.headers.req_id === reqId)!;
      return (frame.body as { stream: { content: string } }).stream.content;
    }
    const responseUrl = fake.responseUrl();
    const req = signedPost({ ...msg, response_url: responseUrl });
    const res = await fetch(`${base}/wecom?${req.query}`, { method: 'POST', body: req.body });
    expect(res.status).toBe(200);
    const raw = await res.text();
    if (raw !== '') {
      const { encrypt } = JSON.parse(raw) as { encrypt: string };
      return (JSON.parse(oracle.decrypt(KEY, encrypt).message) as { stream: { content: string } }).stream
        .content;
    }
    const code = new URL(responseUrl).searchParams.get('response_code');
    await fake.waitFor('the late reply', () => fake.responses.some((r) => r.code === code), 15_000);
    return (fake.responses.find((r) => r.code === code)!.body as { markdown: { content: string } }).markdown
      .content;
  }
  const say = (content: string, userid = 'zhangsan') =>
    send({
      msgid: `msg-${Math.random()}`,
      aibotid: BOT.botId,
      chatid: CHAT,
      chattype: 'group',
      from: { userid },
      msgtype: 'text',
      text: { content: `@巡检助手 ${content}` },
    });
  /** A file as this transport carries it: callback links decrypt with the bot's key, long-connection ones with their own. */
  const sendFile = (file: ServedFile, o: { userid?: string; quoted?: boolean; content?: string } = {}) => {
    const served = fake.serveFile(file, mode === 'callback' ? KEY : undefined);
    const link = mode === 'callback' ? { url: served.url } : served;
    return send(
      fake.fileMessage({
        file: link,
        userid: o.userid ?? 'zhangsan',
        ...(o.quoted !== undefined ? { quoted: o.quoted } : {}),
        ...(o.content !== undefined ? { content: o.content } : {}),
      }),
    );
  };

  it('tells a non-admin whom to ask, before anything is downloaded', async () => {
    const answer = await sendFile(real('notice-q2.docx'), { userid: 'lisi' });
    expect(answer).toContain('抱歉，只有管理员可以导入通报。');
    expect(answer).toContain('如需导入，请联系：张三、王五。');
    expect(fake.fileGets).toHaveLength(0);
  });

  it('refuses a file it cannot read in one Chinese line, and keeps nothing', async () => {
    const binary = await sendFile({ name: '通报.docx', bytes: randomBytes(4096) });
    expect(binary).toContain('无法导入文件“通报.docx”');
    expect(binary).toContain('它是二进制数据，不是文字（扩展名却是 .docx）');
    const xls = await sendFile(real('tally.xls'));
    expect(xls).toContain('旧版 Excel 表格（.xls）');
    const big = await sendFile({ name: '全国名册.xlsx', zeros: 100 * 1024 * 1024 + 64 });
    expect(big).toContain('文件超过100 MB，机器人不接收这么大的文件');
    expect(await say('/apply')).toContain('没有待确认的导入。');
    expect(await say('/rate')).toContain('2020年第一季度');
    expect(await readdir(path.join(dir, 'chat-files')).catch(() => [])).toEqual([]);
  });

  it('says to send a file again when its link lapsed (5 minutes)', async () => {
    const served = fake.serveFile(real('notice-q2.docx'), mode === 'callback' ? KEY : undefined);
    now += 6 * 60_000;
    try {
      const answer = await send(
        fake.fileMessage({ file: mode === 'callback' ? { url: served.url } : served }),
      );
      expect(answer).toContain('文件的下载链接已失效：请重新发送文件。');
    } finally {
      now = Date.now();
    }
  });

  it('previews a quoted .docx, replaces it by a second file, drops that with /cancel, applies a .pdf', async () => {
    const docx = await sendFile(real('notice-q2.docx'), { content: '导入' });
    expect(docx).toContain('导入预览：2020Q2＠35');
    expect(docx).toContain('已读取文件“notice-q2.docx”。');
    expect(docx).toContain('30分钟内发送 /apply 导入，发送 /cancel 放弃。');

    const sheet = await sendFile(RESULTS_XLSX);
    expect(sheet).toContain('导入预览：2020Q2＠35');
    expect(sheet).toContain('此前待确认的 2020Q2＠35 已被这次发送的内容替换。');
    expect(await say('/cancel')).toContain('已放弃导入 2020Q2＠35，没有写入。');
    expect(await say('/apply')).toContain('没有待确认的导入。');

    const pdf = await sendFile(real('notice-q2.pdf'));
    expect(pdf).toContain('导入预览：2020Q2＠35');
    expect(pdf).toContain('省直部门　福建省教育厅：栏目不更新（单项否决）');
    expect(fake.delivered('robot-fj')).toEqual([]);

    expect(await say('/apply')).toContain('已导入 2020Q2＠35，告警和整改提醒随后发出。');
    expect(await say('/rate')).toContain('2020年第二季度');
    await fake.waitFor('the alert', () => fake.delivered('robot-fj').length > 0, 15_000);
    expect(JSON.stringify(fake.delivered('robot-fj'))).toContain('福建省教育厅');
    expect(await readdir(path.join(dir, 'chat-files'))).toEqual([]);
  }, 60_000);
});
