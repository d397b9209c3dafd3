import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../bot/config.ts';
import { ImportService } from '../../bot/imports.ts';
import { silentLogger } from '../../bot/logger.ts';
import { PgOutbox } from '../../bot/outbox/pg-queue.ts';
import { RATE_LIMIT_CODES } from '../../bot/outbox/plan.ts';
import { openPool, quoteIdent } from '../../data/pg/connect.ts';
import { PgStore } from '../../data/pg/store.ts';
import type { RoundFile } from '../../data/schema.ts';
import { resentNote } from '../../handlers/text.ts';
import { FakeDingtalk } from '../fakes/dingtalk.ts';
import { FakeWecom } from '../fakes/wecom.ts';
import { failure } from './alert-world.ts';

/**
 * Several real bot processes (`tsx bot/main.ts`, STORE=postgres) on one database, pushing to the
 * fake platforms, with one instance killed (SIGKILL) and another restarted mid-drain. Shared by
 * the always-run test (test/bot/chaos.test.ts, small) and bench/chaos.bench.ts (2,000 items).
 *
 * The platforms' "minute" is shortened to `windowMs` on both sides — the fakes' windowMs and
 * the bots' OUTBOX_WINDOW_MS — so that a drain of minutes takes seconds; the limits per window
 * (the fakes' 20, the bots' 15) are the real ones.
 */
export interface ChaosOptions {
  url: string;
  /** Failed items of the alert round; every group follows the province, so gets all of them. */
  items: number;
  /** Groups per platform (each with its own robot). */
  groupsPerPlatform: number;
  instances: number;
  windowMs: number;
  leaseMs: number;
  /** Kill one instance (SIGKILL) at 30 % delivered and restart another at 60 %. */
  chaos: boolean;
  /** Units with an overdue task in a second round: each is reminded once per group. */
  reminderUnits: number;
  timeoutMs: number;
  log?: (line: string) => void;
  /** Keep each instance's log (stdout, JSON lines) in `<logDir>/bot-<i>.log`. */
  logDir?: string;
}

export interface ChaosResult {
  messages: number;
  lost: number;
  /** Item copies beyond the first. */
  duplicates: number;
  /** …of which in a message without the re-send note (must be 0). */
  duplicatesWithoutNote: number;
  rateLimited: number;
  reminders: { expected: number; delivered: number; extra: number; extraWithoutNote: number };
  /** From the import to the last message accepted. */
  drainMs: number;
  /** From the import to everything owed (every item, every reminder, in every group) queued. */
  queuedMs: number;
  /** Messages the busiest robot accepted (its pace bounds the drain). */
  busiestRobot: number;
  killedAt?: number;
  restartedAt?: number;
}

const T = () => Date.now();

export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const log = o.log ?? (() => {});
  const schema = `chaos_${Date.now().toString(36)}`;
  const pool = await openPool({ url: o.url, schema, max: 4 });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'chaos-'));
  const wecomIds = Array.from({ length: o.groupsPerPlatform }, (_, i) => `w${i}`);
  const dingIds = Array.from({ length: o.groupsPerPlatform }, (_, i) => `d${i}`);
  const wecom = await FakeWecom.start({ keys: wecomIds.map((id) => `key-${id}`), windowMs: o.windowMs });
  const dingtalk = await FakeDingtalk.start({
    robots: dingIds.map((id) => ({ accessToken: `token-${id}`, secret: `SEC-${id}` })),
    windowMs: o.windowMs,
  });
  const children: Array<ChildProcess | undefined> = [];
  try {
    await writeFile(
      path.join(dir, 'groups.json'),
      JSON.stringify({
        groups: [
          ...wecomIds.map((id) => ({
            id,
            name: `${id}群`,
            platform: 'wecom',
            robot: { key: `key-${id}` },
            chatId: `chat-${id}`,
            follows: { regions: ['福建'], units: [] },
            admins: [{ name: '王管理', wecomUserId: `admin-${id}` }],
          })),
          ...dingIds.map((id) => ({
            id,
            name: `${id}群`,
            platform: 'dingtalk',
            robot: { accessToken: `token-${id}`, secret: `SEC-${id}` },
            conversationId: `cid-${id}`,
            follows: { regions: ['福建'], units: [] },
            admins: [{ name: '李管理', dingtalkUserId: `admin-${id}` }],
          })),
        ],
      }),
    );
    const store = await PgStore.open({ pool, dataDir: dir });
    const units = Array.from({ length: 400 }, (_, u) => ({
      id: `u${u + 1}`,
      name: `第${u + 1}号单位`,
      aliases: [],
      contacts: [{ name: `联系人${u + 1}`, mobile: `138${String(u + 1).padStart(8, '0')}`, wecomUserId: `user${u + 1}` }],
    }));
    const dueUnits = Array.from({ length: o.reminderUnits }, (_, u) => ({
      id: `due${u + 1}`,
      name: `督办单位${u + 1}`,
      aliases: [],
      contacts: [{ name: `督办人${u + 1}`, mobile: `139${String(u + 1).padStart(8, '0')}`, wecomUserId: `due${u + 1}` }],
    }));
    await store.applyRegister({ newRegions: [], units: [...units, ...dueUnits], sites: [], accounts: [] });

    const env = (i: number): NodeJS.ProcessEnv => ({
      PATH: process.env.PATH,
      STORE: 'postgres',
      DATABASE_URL: o.url,
      DATABASE_SCHEMA: schema,
      INSTANCE_ID: `bot-${i}`,
      DATA_DIR: path.join(dir, `instance-${i}`),
      GROUPS_FILE: path.join(dir, 'groups.json'),
      WECOM_API_BASE: wecom.url,
      DINGTALK_OAPI_BASE: dingtalk.url,
      OUTBOX_WINDOW_MS: String(o.windowMs),
      OUTBOX_LEASE_MS: String(o.leaseMs),
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    });
    const spawnBot = async (i: number): Promise<ChildProcess> => {
      await mkdir(path.join(dir, `instance-${i}`), { recursive: true });
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'bot', 'main.ts')], {
        cwd: repoRoot,
        env: env(i),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      if (o.logDir) {
        await mkdir(o.logDir, { recursive: true });
        const file = createWriteStream(path.join(o.logDir, `bot-${i}.log`), { flags: 'a' });
        child.stdout?.pipe(file);
      }
      let stderr = '';
      child.stderr?.on('data', (d) => {
        stderr += String(d);
      });
      await new Promise<void>((resolve, reject) => {
        let buffer = '';
        const timer = setTimeout(() => reject(new Error(`bot-${i} did not start: ${stderr}`)), 60_000);
        child.stdout?.on('data', (d) => {
          buffer += String(d);
          if (buffer.includes('inspection-bot listening')) {
            clearTimeout(timer);
            resolve();
          }
          if (buffer.length > 100_000) buffer = buffer.slice(-1000);
        });
        child.once('exit', (code) => reject(new Error(`bot-${i} exited (${code}) at start: ${stderr}`)));
      });
      child.removeAllListeners('exit');
      child.stdout?.resume();
      return child;
    };
    for (let i = 0; i < o.instances; i++) children.push(await spawnBot(i));
    log(`${o.instances} instances started`);

    // The rounds arrive while the instances run, as from `npm run import` on another machine.
    const now = new Date();
    const day = (d: number) => new Date(now.getTime() + d * 86_400_000).toISOString().slice(0, 10);
    const alertRound: RoundFile = round('2026-10', day(20), now, (i) =>
      failure(`第${String(i + 1).padStart(4, '0')}号政府网站`, ['350102', '350203', '350302', '350404', '350502'][i % 5]!, {
        unitName: `第${(i % 400) + 1}号单位`,
        problem: '栏目不更新：动态要闻类栏目超过2周未更新且累计≥5个（单项否决）',
      }),
      o.items,
    );
    const dueRound: RoundFile = round('2026-09', day(-6), now, (i) =>
      failure(`督办网站${i + 1}`, '3501', { unitName: `督办单位${i + 1}`, problem: '首页不可用' }),
      o.reminderUnits,
    );
    const imports = new ImportService(store, silentLogger);
    const t0 = T();
    await imports.apply({ newRegions: [], roundFile: dueRound }, now);
    await imports.apply({ newRegions: [], roundFile: alertRound }, now);

    const outbox = await PgOutbox.open(pool, { owner: 'observer' });
    const deliveredCount = () => wecom.pushes.filter((p) => p.errcode === 0).length + dingtalk.pushes.filter((p) => p.errcode === 0).length;
    let killedAt: number | undefined;
    let restartedAt: number | undefined;
    let expectedTotal = 0;
    let queuedMs: number | undefined;
    const deadline = T() + o.timeoutMs;
    let lastSent = 0;
    for (;;) {
      if (T() > deadline) throw new Error(`chaos: not drained within ${o.timeoutMs} ms (${deliveredCount()} delivered)`);
      await new Promise((r) => setTimeout(r, 200));
      // Everything owed is queued: every item of both rounds and every reminder, in every group.
      const owed = await pool.query<{ alerts: number; reminders: number }>(
        `SELECT count(*) FILTER (WHERE item LIKE 'alert|%') AS alerts,
                count(*) FILTER (WHERE item LIKE 'reminder:%') AS reminders FROM outbox_items`,
      );
      const groupsTotal = 2 * o.groupsPerPlatform;
      const queued =
        owed.rows[0]!.alerts >= (o.items + o.reminderUnits) * groupsTotal &&
        owed.rows[0]!.reminders >= o.reminderUnits * groupsTotal;
      if (!queued) continue;
      queuedMs ??= T() - t0;
      const st = await outbox.stats();
      expectedTotal = st.pending + st.sending + st.sent + st.dead;
      const share = expectedTotal > 0 ? st.sent / expectedTotal : 0;
      if (o.chaos && killedAt === undefined && expectedTotal > 0 && share >= 0.3) {
        children[0]?.kill('SIGKILL');
        killedAt = T() - t0;
        log(`SIGKILL bot-0 at ${st.sent}/${expectedTotal}`);
      }
      if (o.chaos && killedAt !== undefined && restartedAt === undefined && share >= 0.6 && o.instances > 1) {
        const c = children[1]!;
        c.kill('SIGTERM');
        await new Promise((r) => c.once('exit', r));
        children[1] = await spawnBot(1);
        restartedAt = T() - t0;
        log(`restarted bot-1 at ${st.sent}/${expectedTotal}`);
      }
      if (st.sent !== lastSent) lastSent = st.sent;
      if (expectedTotal > 0 && st.pending + st.sending === 0 && (!o.chaos || restartedAt !== undefined || o.instances < 2)) break;
    }
    const drainMs = T() - t0;
    if (expectedTotal === 0) throw new Error('chaos: nothing was queued');
    const dead = (await outbox.stats()).dead;
    if (dead > 0) throw new Error(`chaos: ${dead} dead letters`);

    // What the groups received.
    let lost = 0;
    let duplicates = 0;
    let duplicatesWithoutNote = 0;
    const reminders = { expected: 0, delivered: 0, extra: 0, extraWithoutNote: 0 };
    const bodiesOf = (id: string) =>
      (id.startsWith('w') ? wecom.delivered(`key-${id}`) : dingtalk.delivered(`token-${id}`)).map((b) => JSON.stringify(b));
    const note = JSON.stringify(resentNote).slice(1, -1);
    for (const id of [...wecomIds, ...dingIds]) {
      const bodies = bodiesOf(id);
      // The mass round's alerts (the other round's items also appear there, as passed since).
      for (const f of alertRound.failures) {
        const marker = `${f.subject}：`;
        const carrying = bodies.filter((b) => b.includes(marker) && b.includes('【检查结果】'));
        if (carrying.length === 0) lost++;
        if (carrying.length > 1) {
          duplicates += carrying.length - 1;
          duplicatesWithoutNote += carrying.slice(1).filter((b) => !b.includes(note)).length;
        }
      }
      for (const f of dueRound.failures)
        if (!bodies.some((b) => b.includes(`${f.subject}：`) && b.includes(dueRound.round.period.slice(0, 4)))) lost++;
      for (const u of dueUnits) {
        reminders.expected++;
        const got = bodies.filter((b) => b.includes(u.name) && !b.includes('【检查结果】'));
        if (got.length > 0) reminders.delivered++;
        if (got.length > 1) {
          reminders.extra += got.length - 1;
          reminders.extraWithoutNote += got.slice(1).filter((b) => !b.includes(note)).length;
        }
      }
    }
    const busiestRobot = Math.max(...[...wecomIds, ...dingIds].map((id) => bodiesOf(id).length));
    const rateLimited = [...wecom.pushes, ...dingtalk.pushes].filter((p) => RATE_LIMIT_CODES.has(p.errcode)).length;
    return {
      messages: deliveredCount(),
      lost,
      duplicates,
      duplicatesWithoutNote,
      rateLimited,
      reminders,
      drainMs,
      queuedMs: queuedMs ?? drainMs,
      busiestRobot,
      ...(killedAt !== undefined ? { killedAt } : {}),
      ...(restartedAt !== undefined ? { restartedAt } : {}),
    };
  } finally {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (!c || c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
            setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
          }),
      ),
    );
    await wecom.close();
    await dingtalk.close();
    await pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`).catch(() => undefined);
    await pool.end();
    await rm(dir, { recursive: true, force: true });
  }
}

function round(
  period: string,
  deadline: string,
  now: Date,
  make: (i: number) => ReturnType<typeof failure>,
  n: number,
): RoundFile {
  const failures = Array.from({ length: n }, (_, i) => make(i));
  return {
    version: 1,
    round: {
      key: `${period}@35`,
      period,
      scopeRegionId: '35',
      title: `福建省${period}政府网站检查情况的通报`,
      issuer: '福建省人民政府办公厅',
      deadline: { date: deadline },
      source: { file: `${period}.txt`, sha256: period, kind: 'notice' },
      importedAt: now.toISOString(),
    },
    tallies: [{ regionId: '35', channel: 'website', total: 5000, checked: 5000, failed: failures.length }],
    failures,
    mentions: [],
  };
}
