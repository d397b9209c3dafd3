import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { fujianRegions } from '../data/reference/fujian.ts';
import { RegionIndex } from '../data/regions.ts';
import { ConfigError } from './errors.ts';

/** The repository root (where package.json lives). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/**
 * The environment contract. This schema *is* the list of variables (.env.example mirrors it);
 * no other module reads process.env. loadConfig(env) reports every bad key at once.
 */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: optional,
  /** Where the data lives: lowdb files in DATA_DIR (one process), or PostgreSQL (several instances). */
  STORE: z.enum(['lowdb', 'postgres']).default('lowdb'),
  /** postgres://user:password@host:port/database, for STORE=postgres. */
  DATABASE_URL: optional,
  /** The schema holding the bot's tables; default the connection's own (normally public). */
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,40}$/, 'lower-case letters, digits and _, at most 41')
    .optional(),
  /** Names this instance in the database (leases, job slots); default host:pid. */
  INSTANCE_ID: optional,
  GROUPS_FILE: optional,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * The deployment's own region, by name, short form or code (湖南, 红河州, 长沙市, 350102): a bare
   * /rate answers it, and it is preferred when a name is shared (鼓楼区) or mistyped.
   */
  HOME_REGION: optional,

  // DingTalk (protocols.md §4–§6)
  DINGTALK_MODE: z.enum(['off', 'http', 'stream']).default('off'),
  DINGTALK_APP_SECRET: optional,
  DINGTALK_CLIENT_ID: optional,
  DINGTALK_CLIENT_SECRET: optional,
  /** OpenAPI base (Stream gateway ticket, OpenAPI sends). */
  DINGTALK_API_BASE: z.url().default('https://api.dingtalk.com'),
  /** Custom-robot push base (robot/send). */
  DINGTALK_OAPI_BASE: z.url().default('https://oapi.dingtalk.com'),

  // WeCom (protocols.md §1–§3)
  WECOM_MODE: z.enum(['off', 'callback', 'longconn']).default('off'),
  WECOM_TOKEN: optional,
  WECOM_ENCODING_AES_KEY: optional,
  WECOM_BOT_ID: optional,
  WECOM_BOT_SECRET: optional,
  /** Group-robot push base (cgi-bin/webhook/send). */
  WECOM_API_BASE: z.url().default('https://qyapi.weixin.qq.com'),
  /** 智能机器人 long-connection endpoint. */
  WECOM_WS_URL: z.url().default('wss://openws.work.weixin.qq.com'),

  /** Pushes per robot per minute; both platforms allow 20 (protocols.md §1.3, §4.4). */
  OUTBOX_PER_MINUTE: z.coerce.number().int().min(1).max(20).default(15),
  /**
   * The pace's window in ms (a minute). Only for demos and load tests against the local fakes run
   * with the same shortened window (test/fakes windowMs); never shorten it against the platforms.
   */
  OUTBOX_WINDOW_MS: z.coerce.number().int().min(100).max(60_000).default(60_000),
  /**
   * STORE=postgres: how long an instance's claim on a message lasts; when it dies mid-send, the
   * message is sent again (with the re-send note) after this. Pushes time out at half of it.
   */
  OUTBOX_LEASE_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),

  /** Site probing (issue 16): availability and freshness of the registered sites; off until on. */
  PROBE: z.enum(['off', 'on']).default('off'),
  /** Who site owners can reach about the probes: named in the User-Agent (mail or URL). */
  PROBE_CONTACT: optional,
  /** Requests in flight across all sites; per address it is always at most 2 and 1 a second. */
  PROBE_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(32),
  /** Homepage tries per site and Shanghai day (the indicator needs at least 20). */
  PROBE_PER_DAY: z.coerce.number().int().min(20).max(96).default(24),

  /** Bearer token for POST /api/rounds; the API is off without it. */
  API_TOKEN: optional,
  /** Bearer token for GET /metrics from other hosts; loopback needs none (bot/metrics.ts). */
  METRICS_TOKEN: optional,
  /** The admin door for the CLI, always on 127.0.0.1; 0 lets the kernel choose (bot/admin/server.ts). */
  ADMIN_PORT: z.coerce.number().int().min(0).max(65535).default(0),

  /**
   * The bot's address as the chat platforms' servers reach it (https://bot.example.gov.cn). DingTalk
   * shows a chart only by URL: `PUBLIC_BASE_URL/charts/<signed id>.png`. Unset: DingTalk gets text.
   */
  PUBLIC_BASE_URL: z.url().optional(),
  /** Key that signs chart links; default a random key kept in $DATA_DIR/chart-link.key. */
  CHART_LINK_SECRET: optional,
  /** How long a chart link works, in hours (default a week). */
  CHART_LINK_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(168),
  /** Another CJK font for charts (.ttf/.otf/.ttc) and its family name; default Noto Sans SC from npm. */
  CHART_FONT: optional,
  CHART_FONT_FAMILY: optional,
  /** Dashboard login token (GET /); unset: the dashboard answers only on the loopback interface. */
  DASHBOARD_TOKEN: optional,
});

export type Env = z.infer<typeof envSchema>;

export interface Config extends Env {
  dataDir: string;
  groupsFile: string;
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  // A blank value (`PORT=` in .env) means "not set": without this, z.coerce.number() reads '' as
  // port 0 and an empty mode fails the enum instead of taking its default.
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = envSchema.safeParse(given);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join('.') || 'env'}: ${i.message}`);
  // Mode-specific requirements are checked even when other keys are bad, so one run lists every
  // problem. They read the raw (trimmed) values, which the schema passes through unchanged.
  const raw = (key: string) => given[key]?.trim();
  const mode = (key: string) => raw(key) ?? 'off';
  if (mode('DINGTALK_MODE') === 'http' && !raw('DINGTALK_APP_SECRET'))
    problems.push('DINGTALK_APP_SECRET: required when DINGTALK_MODE=http');
  if (mode('DINGTALK_MODE') === 'stream' && !(raw('DINGTALK_CLIENT_ID') && raw('DINGTALK_CLIENT_SECRET')))
    problems.push('DINGTALK_CLIENT_ID, DINGTALK_CLIENT_SECRET: required when DINGTALK_MODE=stream');
  if (mode('WECOM_MODE') === 'callback' && !(raw('WECOM_TOKEN') && raw('WECOM_ENCODING_AES_KEY')))
    problems.push('WECOM_TOKEN, WECOM_ENCODING_AES_KEY: required when WECOM_MODE=callback');
  const aesKey = raw('WECOM_ENCODING_AES_KEY');
  if (aesKey && aesKey.length !== 43)
    problems.push(`WECOM_ENCODING_AES_KEY: must be 43 characters, got ${aesKey.length}`);
  if (mode('WECOM_MODE') === 'longconn' && !(raw('WECOM_BOT_ID') && raw('WECOM_BOT_SECRET')))
    problems.push('WECOM_BOT_ID, WECOM_BOT_SECRET: required when WECOM_MODE=longconn');
  const home = raw('HOME_REGION');
  if (home) {
    const regions = new RegionIndex(fujianRegions());
    if (!regions.resolve(home)) {
      const near = regions.suggest(home).map((r) => regions.describe(r));
      problems.push(
        `HOME_REGION: no region named "${home}"${near.length > 0 ? ` (closest: ${near.join(', ')})` : ''}`,
      );
    }
  }
  if (raw('STORE') === 'postgres' && !raw('DATABASE_URL'))
    problems.push('DATABASE_URL: required when STORE=postgres');
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  const dataDir = path.resolve(repoRoot, e.DATA_DIR ?? 'var/data');
  return {
    ...e,
    dataDir,
    groupsFile: path.resolve(repoRoot, e.GROUPS_FILE ?? path.join(dataDir, 'groups.json')),
  };
}
