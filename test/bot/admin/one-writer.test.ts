import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_NOTICE } from '../../../data/import/seed.ts';
import { FakeDingtalk } from '../../fakes/dingtalk.ts';
import { type BotProcess, runCli, startBot } from '../../support/processes.ts';
import { APP_SECRET, signedHeaders } from '../platforms/dingtalk/helpers.ts';

/**
 * Issue 11, "one writer": a real bot process and real CLI processes on one data directory. The
 * bot owns the directory; `npm run import … --apply` and `npm run ask` run inside it through its
 * loopback admin endpoint, so nothing one door writes is undone by another, and an import from
 * any door changes the answers at once and queues the groups' alerts.
 */
const TOKEN = 'api-token-one-writer';
const ADMIN = 'admin1';
const robots = [
  { accessToken: 'tok-prov', secret: 'SEC-prov' },
  { accessToken: 'tok-pt', secret: 'SEC-pt' },
];
const subGroups = [1, 2, 3, 4, 5].map((i) => `g-s${i}`);

let fake: FakeDingtalk;
let dir: string;
let files: string;
let env: Record<string, string>;
let bot: BotProcess;

const admins = [{ name: '管理员', dingtalkUserId: ADMIN }];
const groupsJson = {
  groups: [
    {
      id: 'g-prov',
      name: '全省检查群',
      platform: 'dingtalk',
      robot: { accessToken: 'env:PROV_TOKEN', secret: 'env:PROV_SECRET' },
      conversationId: 'cidPROV',
      follows: { regions: ['福建'], units: [] },
      admins,
    },
    {
      id: 'g-pt',
      name: '平潭检查群',
      platform: 'dingtalk',
      robot: { accessToken: 'env:PT_TOKEN', secret: 'env:PT_SECRET' },
      conversationId: 'cidPT',
      follows: { regions: ['平潭'], units: [] },
      admins,
    },
    ...subGroups.map((id) => ({
      id,
      name: `订阅群${id}`,
      platform: 'dingtalk',
      conversationId: `cid-${id}`,
      follows: { regions: [], units: [] },
      admins,
    })),
  ],
};

beforeAll(async () => {
  fake = await FakeDingtalk.start({ robots, perMinute: 1000 });
  dir = await mkdtemp(path.join(os.tmpdir(), 'one-writer-'));
  files = await mkdtemp(path.join(os.tmpdir(), 'one-writer-files-'));
  await writeFile(path.join(dir, 'groups.json'), JSON.stringify(groupsJson));
  env = {
    DATA_DIR: dir,
    PORT: '0',
    HOST: '127.0.0.1',
    DINGTALK_MODE: 'http',
    DINGTALK_APP_SECRET: APP_SECRET,
    DINGTALK_API_BASE: fake.url,
    DINGTALK_OAPI_BASE: fake.url,
    API_TOKEN: TOKEN,
    PROV_TOKEN: 'tok-prov',
    PROV_SECRET: 'SEC-prov',
    PT_TOKEN: 'tok-pt',
    PT_SECRET: 'SEC-pt',
  };
  bot = await startBot(env);
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
  await rm(dir, { recursive: true, force: true });
  await rm(files, { recursive: true, force: true });
});

/** The shipped notice turned into the next quarter's: same failures, new period and dates. */
async function q2Notice(): Promise<string> {
  const text = (await readFile(SEED_NOTICE, 'utf8'))
    .replaceAll('第一季度', '第二季度')
    .replaceAll('2020年4月17日', '2020年7月17日')
    .replaceAll('2020年4月13日', '2020年7月13日')
    .replaceAll('2020年4月7日', '2020年7月7日')
    .replaceAll('2020年3月', '2020年6月');
  const file = path.join(files, 'fujian-2020q2-notice.txt');
  await writeFile(file, text);
  return file;
}

/** A one-table register CSV (UTF-8 with BOM, as Excel saves it). */
async function registerCsv(name: string, rows: string[][]): Promise<string> {
  const file = path.join(files, name);
  await writeFile(file, `\ufeff${rows.map((r) => r.join(',')).join('\n')}\n`);
  return file;
}
const siteHeader = [
  '序号',
  '部门/地区',
  '单位名称',
  '网站名称',
  '网址',
  '网站标识码',
  '网站类型',
  '联系人',
  '联系电话',
];
const regionHeader = ['地区名称', '上级地区', '区划代码', '地区类型'];

/** Each message its own signature: the bot binds a timestamp's signature to the first body it carried. */
let lastTs = Date.now();
/** A message in a group, as DingTalk's HTTP mode delivers it; resolves when the answer arrived. */
async function say(conversationId: string, content: string): Promise<string> {
  const before = fake.answers(conversationId).length;
  lastTs = Math.max(lastTs + 1, Date.now());
  const res = await fetch(`${bot.base}/dingtalk`, {
    method: 'POST',
    headers: signedHeaders({ ts: lastTs }),
    body: JSON.stringify(fake.robotMessage({ content, conversationId, staffId: ADMIN })),
  });
  expect(res.status).toBe(200);
  await fake.waitFor(
    `answer in ${conversationId}`,
    () => fake.answers(conversationId).length > before,
    60_000,
  );
  return (fake.answers(conversationId).at(-1) as { markdown: { text: string } }).markdown.text;
}

function apiRound(
  period: string,
  failures: Array<{ unit: string; subject: string }> = [],
  newRegion?: { name: string; parent: string },
) {
  return fetch(`${bot.base}/api/rounds`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      period,
      scope: '福建省',
      title: `${period}检查情况`,
      issuer: '福建省人民政府办公厅',
      deadline: '2030-12-31',
      tallies: [
        { region: '福州市', channel: 'website', total: 60, checked: 60, failed: failures.length },
        ...(newRegion
          ? [
              {
                region: newRegion.name,
                parent: newRegion.parent,
                channel: 'website',
                total: 3,
                checked: 3,
                failed: 0,
              },
            ]
          : []),
      ],
      failures: failures.map((f) => ({
        region: '福州市',
        channel: 'website',
        unit: f.unit,
        subject: f.subject,
        problem: '栏目不更新',
      })),
    }),
  });
}

const readJson = async (name: string) => JSON.parse(await readFile(path.join(dir, name), 'utf8'));
const pushes = (token: string) =>
  fake.delivered(token).map((b) => (b as { markdown: { text: string } }).markdown.text);

describe('the running bot as the one writer', () => {
  it('writes its lock and an owner-only admin secret into the data directory', async () => {
    expect(await readJson('writer.lock')).toMatchObject({
      role: 'bot',
      pid: bot.proc.pid,
      host: os.hostname(),
    });
    expect((await stat(path.join(dir, 'admin.json'))).mode & 0o777).toBe(0o600);
  });

  it('answers a CLI import at once, and the following groups’ robots get the alerts within 10 s', async () => {
    const notice = await q2Notice();
    const cli = await runCli('import', [notice, '--apply'], env);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(`经由运行中的机器人 pid ${bot.proc.pid}`);
    expect(cli.stdout).toContain('2020Q2@35');
    await fake.waitFor(
      'alerts to both groups',
      () =>
        pushes('tok-prov').some((t) => t.includes('福建省教育厅')) &&
        pushes('tok-pt').some((t) => t.includes('平潭政务')),
      10_000,
    );
    expect(await say('cidPROV', '/rate')).toContain('2020年第二季度');
    // The 平潭 group hears only about 平潭.
    expect(pushes('tok-pt').join('\n')).not.toContain('福建省教育厅');
  }, 60_000);

  it('keeps a contact the CLI imported when an API import follows (issue 11, Why)', async () => {
    const sites = await registerCsv('register-网站名册.csv', [
      siteHeader,
      [
        '1',
        '福州市',
        '福州市联系局',
        '福州市联系局网站',
        'http://lianxi.fuzhou.gov.cn',
        '',
        '部门网站',
        '陈联系',
        '13800000011',
      ],
    ]);
    expect((await runCli('import', [sites, '--apply'], env)).code).toBe(0);
    // The API round places a new region, so the bot writes the register: before issue 11 it wrote
    // its own cached copy, without the CLI's unit.
    const res = await apiRound('2020Q3', [], { name: '金井片区', parent: '平潭综合实验区' });
    expect(res.status, await res.clone().text()).toBe(201);
    const register = await readJson('register.json');
    expect(register.regions.map((r: { name: string }) => r.name)).toContain('金井片区');
    const unit = register.units.find((u: { name: string }) => u.name === '福州市联系局');
    expect(unit?.contacts).toEqual([expect.objectContaining({ name: '陈联系', mobile: '13800000011' })]);
  }, 60_000);

  it('keeps a /done given through npm run ask when a group gives the next /done (issue 11, Why)', async () => {
    const cli = await runCli('ask', ['--group', 'g-prov', '--as', ADMIN, '/done 福建省教育厅'], env);
    expect(cli.code).toBe(0);
    const afterCli = Object.keys((await readJson('tasks.json')).done);
    expect(afterCli.length).toBeGreaterThan(0);
    await say('cidPROV', '/done 福建省民政厅');
    const afterChat = Object.keys((await readJson('tasks.json')).done);
    expect(afterChat).toEqual(expect.arrayContaining(afterCli));
    expect(afterChat.length).toBeGreaterThan(afterCli.length);
  }, 60_000);

  it('keeps every region when register imports run at once (issue 11, Why: two at once lost one)', async () => {
    const regions = [
      ['福州新区', '福州市'],
      ['厦门自贸片区', '厦门市'],
      ['泉州台商投资区', '泉州市'],
      ['漳州招商局经济技术开发区', '漳州市'],
    ];
    const csvs = await Promise.all(
      regions.map(([name, parent], i) =>
        registerCsv(`r${i}-地区.csv`, [regionHeader, [name!, parent!, '', '新区']]),
      ),
    );
    const results = await Promise.all(csvs.map((f) => runCli('import', [f, '--apply'], env)));
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    const names = (await readJson('register.json')).regions.map((r: { name: string }) => r.name);
    expect(names).toEqual(expect.arrayContaining(regions.map(([name]) => name)));
  }, 60_000);

  it('keeps every write of 20 concurrent writers: CLI imports, API imports, /done and /sub in chats', async () => {
    const targets = [1, 2, 3, 4, 5].map((i) => ({ unit: `福州市并发局${i}`, subject: `并发网站${i}` }));
    expect((await apiRound('2020Q4', targets)).status).toBe(201);
    const doneBefore = Object.keys((await readJson('tasks.json')).done).length;
    const csvs = await Promise.all(
      [1, 2, 3, 4, 5].map((i) =>
        registerCsv(`并发${i}-网站名册.csv`, [
          siteHeader,
          [
            '1',
            '福州市',
            `福州市登记局${i}`,
            `登记网站${i}`,
            `http://dj${i}.fuzhou.gov.cn`,
            '',
            '部门网站',
            `联系人${i}`,
            `1390000000${i}`,
          ],
        ]),
      ),
    );
    const periods = ['2021Q1', '2021Q2', '2021Q3', '2021Q4', '2022Q1'];
    const writes: Array<Promise<unknown>> = [
      ...csvs.map(async (f) => expect((await runCli('import', [f, '--apply'], env)).code).toBe(0)),
      ...periods.map(async (p) => expect((await apiRound(p)).status).toBe(201)),
      ...targets.map((t) => say('cidPROV', `/done ${t.subject}`)),
      ...subGroups.map((g) => say(`cid-${g}`, '/sub 厦门')),
    ];
    expect(writes).toHaveLength(20);
    await Promise.all(writes);

    const register = await readJson('register.json');
    for (let i = 1; i <= 5; i++) {
      const unit = register.units.find((u: { name: string }) => u.name === `福州市登记局${i}`);
      expect(unit?.contacts).toEqual([expect.objectContaining({ mobile: `1390000000${i}` })]);
    }
    const rounds = await readdir(path.join(dir, 'rounds'));
    for (const p of periods) expect(rounds).toContain(`${p}@35.json`);
    expect(Object.keys((await readJson('tasks.json')).done)).toHaveLength(doneBefore + 5);
    const subs = (await readJson('subscriptions.json')).groups;
    for (const g of subGroups) expect(subs[g].regions).toEqual(['3502']);
    // And the bot answers from all of it.
    const health = (await (await fetch(`${bot.base}/healthz`)).json()) as { rounds: number };
    expect(health.rounds).toBe(2 + 2 + periods.length);
    expect(await say('cid-g-s1', '/subs')).toContain('厦门市');
  }, 180_000);

  it('refuses a second bot on the same directory, naming the holder', async () => {
    // Should it start after all, it is stopped before the test fails.
    const second = startBot({ ...env }, 30_000).then(async (b) => {
      await b.stop();
      return 'a second bot started';
    });
    await expect(second).rejects.toThrow(
      new RegExp(`数据目录已被另一个写入进程占用：机器人进程 pid ${bot.proc.pid}，主机 ${os.hostname()}`),
    );
  }, 60_000);

  it('still holds every write after a clean stop and a new start; the lock and the secret go with the bot', async () => {
    expect(await bot.stop()).toBe(0);
    await expect(stat(path.join(dir, 'writer.lock'))).rejects.toThrow();
    await expect(stat(path.join(dir, 'admin.json'))).rejects.toThrow();
    bot = await startBot(env);
    expect(await say('cidPROV', '/rate 福建 2020Q2')).toContain('2020年第二季度');
    const register = await readJson('register.json');
    expect(register.units.map((u: { name: string }) => u.name)).toEqual(
      expect.arrayContaining(['福州市联系局', '福州市登记局1', '福州市登记局5']),
    );
    expect(await say('cid-g-s3', '/subs')).toContain('厦门市');
  }, 60_000);

  it('passes --issuer through to the running bot as a name, not a path', async () => {
    const notice = path.join(files, 'county-2023q2.txt');
    await writeFile(notice, ['2023年第二季度政府网站自查情况', '一、总体情况', '本次检查政府网站1个,不合格1个。'].join('\n'));
    const cli = await runCli('import', [notice, '--issuer', '云霄县', '--apply'], env);
    expect(cli.stdout).toContain(`经由运行中的机器人 pid ${bot.proc.pid}`);
    expect(cli.stdout).toContain('已导入 2023Q2@350622。');
    expect(cli.code).toBe(0);
  }, 60_000);
});
