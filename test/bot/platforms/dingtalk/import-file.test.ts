import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, repoRoot } from '../../../../bot/config.ts';
import { silentLogger } from '../../../../bot/logger.ts';
import { start } from '../../../../bot/main.ts';
import { SEED_NOTICE } from '../../../../data/import/seed.ts';
import { FakeDingtalk, type ServedFile } from '../../../fakes/dingtalk.ts';
import { dingtalkSign } from './helpers.ts';

/**
 * Import from the group by file, end to end on the DingTalk fake and the real bot (bot/main.ts
 * start), on both transports: an admin quotes a notice file in the group with an @ (how a file
 * reaches a robot in a group, protocols.md §10.1) → the bot redeems the download code with the
 * app's token and fetches the bytes → the preview comes back at the session webhook → /apply →
 * /rate answers the new round → its alert reaches the group's custom robot. Also: the answers to a
 * non-admin (before any download), to files it cannot read, /cancel, a second file replacing the
 * first, a file sent in a 1:1 chat, and a notice pasted as text.
 */
const files = path.join(repoRoot, 'test', 'fixtures', 'files');
const real = (name: string): ServedFile => ({ name, bytes: readFileSync(path.join(files, name)) });
const RESULTS_XLSX: ServedFile = {
  name: '2020年第二季度检查结果.xlsx',
  bytes: readFileSync(path.join(repoRoot, 'data', 'templates', 'results.xlsx')),
};
const APP = { clientId: 'dingIMPORT', clientSecret: 'import-secret-0123456789' };
const ROBOT = { accessToken: 'robot-fj', secret: 'SECfj' };
const GROUP = 'cidFUJIAN';

type Answer = { markdown: { title: string; text: string } };

describe.each(['http', 'stream'] as const)('a notice file sent in a DingTalk group (%s)', (mode) => {
  let dir: string;
  let fake: FakeDingtalk;
  let running: Awaited<ReturnType<typeof start>>;
  let base: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), `chat-file-${mode}-`));
    fake = await FakeDingtalk.start({ apps: [APP], robots: [ROBOT] });
    const groupsFile = path.join(dir, 'groups.json');
    await writeFile(
      groupsFile,
      JSON.stringify({
        groups: [
          {
            id: 'fj',
            name: '省政府办公厅群',
            platform: 'dingtalk',
            robot: { accessToken: 'env:FJ_TOKEN', secret: 'env:FJ_SECRET' },
            conversationId: GROUP,
            follows: { regions: ['福建省'], units: [] },
            admins: [
              { name: '张三', dingtalkUserId: 'zhangsan' },
              { name: '王五', dingtalkUserId: 'wangwu' },
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
      DINGTALK_API_BASE: fake.url,
      DINGTALK_OAPI_BASE: fake.url,
      DINGTALK_CLIENT_ID: APP.clientId,
      FJ_TOKEN: ROBOT.accessToken,
      FJ_SECRET: ROBOT.secret,
      ...(mode === 'http'
        ? { DINGTALK_MODE: 'http', DINGTALK_APP_SECRET: APP.clientSecret }
        : { DINGTALK_MODE: 'stream', DINGTALK_CLIENT_SECRET: APP.clientSecret }),
    };
    running = await start(loadConfig(env), env, silentLogger);
    base = `http://127.0.0.1:${running.port}`;
  }, 30_000);

  afterAll(async () => {
    await running?.stop();
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Sends a robot message the way this transport delivers it; resolves with the bot's answer. */
  async function send(msg: Record<string, unknown>): Promise<Answer['markdown']> {
    const conversation = String(msg.conversationId);
    const before = fake.answers(conversation).length;
    if (mode === 'http') {
      const ts = String(Date.now());
      const res = await fetch(`${base}/dingtalk`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          timestamp: ts,
          sign: dingtalkSign(ts, APP.clientSecret),
        },
        body: JSON.stringify(msg),
      });
      expect(res.status).toBe(200);
    } else fake.gateway.callback(APP.clientId, msg);
    await fake.waitFor('the answer', () => fake.answers(conversation).length > before, 15_000);
    return (fake.answers(conversation).at(-1) as Answer).markdown;
  }
  const say = (content: string, staffId = 'zhangsan') =>
    send(
      fake.robotMessage({
        content,
        conversationId: GROUP,
        staffId,
        nick: staffId === 'zhangsan' ? '张三' : '李四',
      }),
    );
  const sendFile = (file: ServedFile, o: { staffId?: string; quoted?: boolean; content?: string } = {}) =>
    send(
      fake.fileMessage({
        file,
        conversationId: o.quoted === false ? `cid1to1-${o.staffId ?? 'zhangsan'}` : GROUP,
        staffId: o.staffId ?? 'zhangsan',
        nick: o.staffId === 'lisi' ? '李四' : '张三',
        ...(o.quoted !== undefined ? { quoted: o.quoted } : {}),
        ...(o.content !== undefined ? { content: o.content } : {}),
      }),
    );

  it('tells a non-admin whom to ask, before anything is downloaded', async () => {
    const downloads = fake.fileDownloads.length;
    const answer = await sendFile(real('notice-q2.docx'), { staffId: 'lisi' });
    expect(answer.title).toBe('抱歉，只有管理员可以导入通报。');
    expect(answer.text).toContain('如需导入，请联系：张三、王五。');
    expect(fake.fileDownloads.length).toBe(downloads);
    expect(fake.fileGets).toHaveLength(0);
  });

  it('refuses a file it cannot read in one Chinese line, and keeps nothing', async () => {
    const binary = await sendFile({ name: '通报.docx', bytes: randomBytes(4096) });
    expect(binary.title).toBe('无法导入文件“通报.docx”');
    expect(binary.text).toContain('它是二进制数据，不是文字（扩展名却是 .docx）');
    const xls = await sendFile(real('tally.xls'));
    expect(xls.text).toContain('旧版 Excel 表格（.xls）');
    expect(xls.text).toContain('另存为 .xlsx');
    // Over the limit by its Content-Length: refused before a byte of it is stored.
    const big = await sendFile({ name: '全国名册.xlsx', zeros: 100 * 1024 * 1024 + 1 });
    expect(big.text).toContain('文件超过100 MB，机器人不接收这么大的文件');
    expect((await say('/apply')).title).toBe('没有待确认的导入。请先把通报全文发给机器人。');
    expect((await say('/rate')).title).toContain('2020年第一季度');
    expect(await readdir(path.join(dir, 'chat-files')).catch(() => [])).toEqual([]);
  });

  it('previews a file again when its download code has lapsed: it says to send it again', async () => {
    const answer = await send(
      fake.fileMessage({
        file: real('notice-q2.docx'),
        conversationId: GROUP,
        staffId: 'zhangsan',
        ttlMs: -1,
      }),
    );
    expect(answer.title).toBe('无法导入文件“notice-q2.docx”');
    expect(answer.text).toContain('文件的下载链接已失效：请重新发送文件。');
  });

  it('previews a quoted .docx, replaces it by a second file, drops that with /cancel, applies a .pdf', async () => {
    const docx = await sendFile(real('notice-q2.docx'), { content: '导入' });
    expect(docx.title).toBe('导入预览：2020Q2＠35');
    expect(docx.text).toContain('已读取文件“notice-q2.docx”。');
    expect(docx.text).toContain('30分钟内发送 /apply 导入，发送 /cancel 放弃。');
    expect(fake.fileDownloads.at(-1)).toMatchObject({ robotCode: APP.clientId, status: 200 });

    const sheet = await sendFile(RESULTS_XLSX);
    expect(sheet.title).toBe('导入预览：2020Q2＠35');
    expect(sheet.text).toContain('此前待确认的 2020Q2＠35 已被这次发送的内容替换。');
    expect((await say('/cancel')).title).toBe('已放弃导入 2020Q2＠35，没有写入。');
    expect((await say('/apply')).title).toBe('没有待确认的导入。请先把通报全文发给机器人。');

    const pdf = await sendFile(real('notice-q2.pdf'));
    expect(pdf.title).toBe('导入预览：2020Q2＠35');
    expect(pdf.text).toContain('省直部门　福建省教育厅：栏目不更新（单项否决）');
    expect(fake.delivered(ROBOT.accessToken)).toEqual([]);

    expect((await say('/apply')).title).toBe('已导入 2020Q2＠35，告警和整改提醒随后发出。');
    expect((await say('/rate')).title).toContain('2020年第二季度');
    await fake.waitFor('the alert', () => fake.delivered(ROBOT.accessToken).length > 0, 15_000);
    expect(JSON.stringify(fake.delivered(ROBOT.accessToken))).toContain('福建省教育厅');
    expect(await readdir(path.join(dir, 'chat-files'))).toEqual([]);
  }, 60_000);

  // The tests of this describe are one transcript, in order, on one bot.
  it('takes a spreadsheet sent in a 1:1 chat from an admin of a declared group; /apply replace there writes it', async () => {
    const sheet = await sendFile(RESULTS_XLSX, { quoted: false });
    expect(sheet.title).toBe('导入预览：2020Q2＠35');
    expect(sheet.text).toContain('已读取文件“2020年第二季度检查结果.xlsx”。');
    expect(sheet.text).toContain('已有2020Q2＠35的数据，导入后将替换它。');
    expect(sheet.text).toContain('去掉不合格：省直部门 福建省教育厅');
    expect(fake.fileDownloads.at(-1)).toMatchObject({ status: 200 });
    const conversation = 'cid1to1-zhangsan';
    const apply = (content: string) =>
      send(
        fake.robotMessage({
          content,
          conversationId: conversation,
          conversationType: '1',
          staffId: 'zhangsan',
        }),
      );
    // The group's transcript above stored 2020Q2 from the notice; the sheet lists other failures.
    const first = await apply('/apply');
    expect(first.title).toBe(
      '这次导入会删去已导入的不合格项或地区。确认替换请发送“/apply replace”，或发送 /cancel 放弃。',
    );
    expect(first.text).toContain('福建省教育厅');
    expect((await apply('/apply replace')).title).toBe('已用新内容替换 2020Q2＠35，告警和整改提醒随后发出。');
    // A non-admin's file in a 1:1 chat is refused like one in a group.
    expect((await sendFile(RESULTS_XLSX, { quoted: false, staffId: 'lisi' })).title).toBe(
      '抱歉，只有管理员可以导入通报。',
    );
  }, 60_000);

  it('previews a notice pasted as text and applies it (the same path as a file)', async () => {
    const q3 = readFileSync(SEED_NOTICE, 'utf8')
      .replaceAll('第一季度', '第三季度')
      .replaceAll('3月底', '9月底')
      .replaceAll('2020年4月', '2020年10月');
    const preview = await say(q3);
    expect(preview.title).toBe('导入预览：2020Q3＠35');
    expect(preview.text).toContain('1. 省直部门　福建省教育厅：栏目不更新（单项否决）［单项否决］');
    expect((await say('/apply')).title).toBe('已导入 2020Q3＠35，告警和整改提醒随后发出。');
    expect((await say('/rate')).title).toContain('2020年第三季度');
  }, 60_000);

  it('says how to give the issuer of a file it cannot place, and takes /import --issuer sent with the file', async () => {
    const county: ServedFile = {
      name: '自查情况.txt',
      bytes: Buffer.from(['2023年第二季度政府网站和政务新媒体检查情况通报', '一、总体情况', '本次检查政府网站1个，其中不合格1个。'].join('\n')),
    };
    const refused = await sendFile(county);
    expect(refused.title).toBe('无法导入文件“自查情况.txt”');
    // Markdown shows <地区> as ＜地区＞.
    expect(refused.text).toMatch(/请用 --issuer .地区. 指定/);
    expect(refused.text).toMatch(/引用这个文件并发送“\/import --issuer .地区.”/);
    const preview = await sendFile(county, { content: '/import --issuer 云霄县' });
    expect(preview.title).toBe('导入预览：2023Q2＠350622');
    // /apply reads the kept text again with the same issuer.
    expect((await say('/apply')).title).toBe('已导入 2023Q2＠350622，告警和整改提醒随后发出。');
  }, 60_000);
});
