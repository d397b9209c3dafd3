import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Dataset } from '../data/dataset.ts';
import { contactSchema } from '../data/schema.ts';
import { ConfigError } from './errors.ts';

/**
 * Chat groups the bot pushes to and answers in, declared in GROUPS_FILE (JSON, default
 * $DATA_DIR/groups.json, outside git). Secret values are written as `env:NAME` (read from the
 * environment) or `file:/path` (read from a file); a literal is accepted only because the file
 * itself lives outside the repository. See README "Groups".
 */
const secret = z.string().min(1);

const follows = z
  .object({ regions: z.array(z.string()).default([]), units: z.array(z.string()).default([]) })
  .default({ regions: [], units: [] });

const base = {
  id: z.string().regex(/^[\w-]+$/, 'letters, digits, _ and - only'),
  name: z.string().min(1),
  follows,
  admins: z.array(contactSchema).default([]),
  /** Send a short all-clear when a round has no failures in the group's scope. */
  allClear: z.boolean().default(false),
  /** Send a chart of the round's rates under the alerts of a new round (README "Charts"). */
  chart: z.boolean().optional(),
};

const dingtalkGroup = z.object({
  ...base,
  platform: z.literal('dingtalk'),
  /** Custom robot push: access_token and 加签 secret (protocols.md §4). */
  robot: z.object({ accessToken: secret, secret: secret }).optional(),
  /** conversationId (cid…) of the group, to recognise inbound @-messages. */
  conversationId: z.string().optional(),
});

const wecomGroup = z.object({
  ...base,
  platform: z.literal('wecom'),
  /** Group robot webhook key (protocols.md §1). */
  robot: z.object({ key: secret }).optional(),
  /** chatid of the group as the 智能机器人 callback reports it. */
  chatId: z.string().optional(),
});

const groupSchema = z.discriminatedUnion('platform', [dingtalkGroup, wecomGroup]);
const fileSchema = z.object({ groups: z.array(groupSchema) });

export type Group = z.infer<typeof groupSchema>;
export type DingtalkGroup = z.infer<typeof dingtalkGroup>;
export type WecomGroup = z.infer<typeof wecomGroup>;

export interface Groups {
  list: Group[];
  byId(id: string): Group | undefined;
  /** The group an inbound message came from (DingTalk conversationId or WeCom chatid). */
  byConversation(platform: Group['platform'], conversationId: string): Group | undefined;
}

export function makeGroups(list: Group[]): Groups {
  return {
    list,
    byId: (id) => list.find((g) => g.id === id),
    byConversation: (platform, cid) =>
      list.find(
        (g) =>
          g.platform === platform &&
          (g.platform === 'dingtalk' ? g.conversationId === cid : g.chatId === cid),
      ),
  };
}

/** Reads and validates the groups file; one ConfigError lists every problem. No file: no groups. */
export async function loadGroups(
  file: string,
  env: Record<string, string | undefined>,
  data: Dataset,
): Promise<Groups> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return makeGroups([]);
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError([`${file}: not valid JSON (${(err as Error).message})`]);
  }
  return parseGroups(raw, env, data, file);
}

export async function parseGroups(
  raw: unknown,
  env: Record<string, string | undefined>,
  data: Dataset,
  where = 'groups',
): Promise<Groups> {
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${where}: ${i.path.join('.')}: ${i.message}`));
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  const groups = parsed.data.groups;
  for (const [i, g] of groups.entries()) {
    const at = `${where}: groups.${i} (${g.id})`;
    if (seen.has(g.id)) problems.push(`${at}: duplicate id`);
    seen.add(g.id);
    for (const name of g.follows.regions) {
      if (!data.regions.resolve(name)) {
        const hint = data.regions.suggest(name).map((r) => data.regions.describe(r));
        problems.push(`${at}: follows unknown region "${name}"${hint.length ? ` (did you mean ${hint.join(', ')}?)` : ''}`);
      }
    }
    if (g.robot) {
      for (const [field, value] of Object.entries(g.robot)) {
        const resolved = await resolveSecret(value, env);
        if (typeof resolved !== 'string') problems.push(`${at}: robot.${field}: ${resolved.problem}`);
        else (g.robot as Record<string, string>)[field] = resolved;
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return makeGroups(groups);
}

async function resolveSecret(
  value: string,
  env: Record<string, string | undefined>,
): Promise<string | { problem: string }> {
  if (value.startsWith('env:')) {
    const name = value.slice(4);
    const v = env[name];
    return v && v.trim() !== '' ? v.trim() : { problem: `environment variable ${name} is not set` };
  }
  if (value.startsWith('file:')) {
    const file = value.slice(5);
    try {
      const v = (await readFile(file, 'utf8')).trim();
      return v === '' ? { problem: `secret file ${file} is empty` } : v;
    } catch {
      return { problem: `secret file ${file} cannot be read` };
    }
  }
  return value;
}
