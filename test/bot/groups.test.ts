import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../bot/errors.ts';
import { loadGroups, parseGroups } from '../../bot/groups.ts';
import { Dataset } from '../../data/dataset.ts';
import { fujianRegions } from '../../data/reference/fujian.ts';
import { SCHEMA_VERSION } from '../../data/schema.ts';

const data = new Dataset(
  { version: SCHEMA_VERSION, regions: fujianRegions(), units: [], sites: [], accounts: [] },
  [],
);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'groups-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const wecom = (more: Record<string, unknown> = {}) => ({
  id: 'fz-office',
  name: '福州市政务公开办',
  platform: 'wecom',
  chatId: 'wrkSFfCgAA',
  robot: { key: 'literal-key' },
  follows: { regions: ['福州'] },
  ...more,
});
const dingtalk = (more: Record<string, unknown> = {}) => ({
  id: 'province',
  name: '省政府办公厅',
  platform: 'dingtalk',
  conversationId: 'cidAbc==',
  robot: { accessToken: 'env:DT_TOKEN', secret: 'env:DT_SECRET' },
  ...more,
});

async function refusal(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseGroups()', () => {
  it('reads WeCom and DingTalk groups with defaults, and finds them by id and conversation', async () => {
    const groups = await parseGroups(
      { groups: [wecom(), dingtalk()] },
      { DT_TOKEN: 'tok', DT_SECRET: 'SEC' },
      data,
    );
    expect(groups.list).toHaveLength(2);
    expect(groups.byId('fz-office')).toMatchObject({
      follows: { regions: ['福州'], units: [] },
      admins: [],
      allClear: false,
    });
    expect(groups.byConversation('wecom', 'wrkSFfCgAA')?.id).toBe('fz-office');
    expect(groups.byConversation('dingtalk', 'cidAbc==')?.id).toBe('province');
    expect(groups.byConversation('dingtalk', 'wrkSFfCgAA')).toBeUndefined();
    expect(groups.byId('nope')).toBeUndefined();
  });

  it('resolves env: secrets from the environment and file: secrets from a file, trimmed', async () => {
    const keyFile = path.join(dir, 'wecom.key');
    await writeFile(keyFile, 'key-from-file\n');
    const groups = await parseGroups(
      { groups: [wecom({ robot: { key: `file:${keyFile}` } }), dingtalk()] },
      { DT_TOKEN: ' tok ', DT_SECRET: 'SEC' },
      data,
    );
    expect(groups.byId('fz-office')?.robot).toEqual({ key: 'key-from-file' });
    expect(groups.byId('province')?.robot).toEqual({ accessToken: 'tok', secret: 'SEC' });
  });

  it('lists every problem in one ConfigError: duplicate id, unknown region with a suggestion, missing secrets', async () => {
    const list = await refusal(
      parseGroups(
        {
          groups: [
            wecom({
              follows: { regions: ['福洲', '火星'] },
              robot: { key: `file:${path.join(dir, 'absent.key')}` },
            }),
            wecom({ name: '重复' }),
            dingtalk(),
          ],
        },
        { DT_TOKEN: '' },
        data,
      ),
    );
    expect(list).toEqual([
      'groups: groups.0 (fz-office): follows unknown region "福洲" (did you mean 福州市（福建省）, 抚州市（江西省）, 福建省?)',
      'groups: groups.0 (fz-office): follows unknown region "火星"',
      `groups: groups.0 (fz-office): robot.key: secret file ${path.join(dir, 'absent.key')} cannot be read`,
      'groups: groups.1 (fz-office): duplicate id',
      'groups: groups.2 (province): robot.accessToken: environment variable DT_TOKEN is not set',
      'groups: groups.2 (province): robot.secret: environment variable DT_SECRET is not set',
    ]);
  });

  it('refuses an empty secret file', async () => {
    const keyFile = path.join(dir, 'empty.key');
    await writeFile(keyFile, '\n');
    expect(
      await refusal(parseGroups({ groups: [wecom({ robot: { key: `file:${keyFile}` } })] }, {}, data)),
    ).toEqual([`groups: groups.0 (fz-office): robot.key: secret file ${keyFile} is empty`]);
  });

  it('lists every field that breaks the schema, with its path', async () => {
    const list = await refusal(
      parseGroups(
        { groups: [wecom({ id: 'has space' }), { ...dingtalk(), platform: 'feishu' }, wecom({ name: '' })] },
        {},
        data,
      ),
    );
    expect(list).toHaveLength(3);
    expect(list[0]).toMatch(/^groups: groups\.0\.id: letters, digits, _ and - only/);
    expect(list[1]).toMatch(/^groups: groups\.1\.platform: /);
    expect(list[2]).toMatch(/^groups: groups\.2\.name: /);
  });

  it('never puts a secret value into a problem', async () => {
    const list = await refusal(
      parseGroups(
        {
          groups: [
            dingtalk({ robot: { accessToken: 'plain-token-123', secret: 'env:NOPE' } }),
            wecom(),
            wecom(),
          ],
        },
        {},
        data,
      ),
    );
    expect(list.join('\n')).not.toContain('plain-token-123');
  });
});

describe('loadGroups()', () => {
  it('reads no groups when the file does not exist', async () => {
    expect((await loadGroups(path.join(dir, 'groups.json'), {}, data)).list).toEqual([]);
  });

  it('reads the file', async () => {
    const file = path.join(dir, 'groups.json');
    await writeFile(file, JSON.stringify({ groups: [wecom()] }));
    expect((await loadGroups(file, {}, data)).list.map((g) => g.id)).toEqual(['fz-office']);
  });

  it('names the file when it is not JSON, and when a group is wrong', async () => {
    const file = path.join(dir, 'groups.json');
    await writeFile(file, '{"groups": [');
    expect((await refusal(loadGroups(file, {}, data)))[0]).toMatch(new RegExp(`^${file}: not valid JSON`));
    await writeFile(file, JSON.stringify({ groups: [wecom({ follows: { regions: ['火星'] } })] }));
    expect(await refusal(loadGroups(file, {}, data))).toEqual([
      `${file}: groups.0 (fz-office): follows unknown region "火星"`,
    ]);
  });
});
