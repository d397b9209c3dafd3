import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, repoRoot } from '../../bot/config.ts';
import { ConfigError } from '../../bot/errors.ts';

function problems(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const AES_KEY = 'a'.repeat(43);

describe('loadConfig()', () => {
  it('runs with no configuration at all: port 3000, all platforms off, data inside the repository', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      DINGTALK_MODE: 'off',
      WECOM_MODE: 'off',
      DINGTALK_API_BASE: 'https://api.dingtalk.com',
      WECOM_API_BASE: 'https://qyapi.weixin.qq.com',
    });
    expect(config.dataDir).toBe(path.join(repoRoot, 'var', 'data'));
    expect(config.groupsFile).toBe(path.join(repoRoot, 'var', 'data', 'groups.json'));
    expect(config.API_TOKEN).toBeUndefined();
  });

  it('reads the port as a number and places data and groups where DATA_DIR and GROUPS_FILE say', () => {
    const config = loadConfig({ PORT: '8080', DATA_DIR: '/srv/bot', GROUPS_FILE: 'conf/groups.json' });
    expect(config.PORT).toBe(8080);
    expect(config.dataDir).toBe('/srv/bot');
    expect(config.groupsFile).toBe(path.join(repoRoot, 'conf', 'groups.json'));
  });

  it('puts groups.json inside DATA_DIR by default', () => {
    expect(loadConfig({ DATA_DIR: '/srv/bot' }).groupsFile).toBe('/srv/bot/groups.json');
  });

  it('treats a blank value as unset, as a .env line like PORT= means', () => {
    const config = loadConfig({ PORT: '', DATA_DIR: '  ', WECOM_MODE: '', LOG_LEVEL: ' ' });
    expect(config.PORT).toBe(3000);
    expect(config.WECOM_MODE).toBe('off');
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.dataDir).toBe(path.join(repoRoot, 'var', 'data'));
  });

  it('ignores variables it does not know', () => {
    expect(loadConfig({ PATH: '/usr/bin', HOME: '/root' }).PORT).toBe(3000);
  });

  it('lists every bad value in one ConfigError, each naming its variable', () => {
    const list = problems({
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      DINGTALK_MODE: 'fax',
      WECOM_API_BASE: 'not a url',
    });
    expect(list).toHaveLength(4);
    expect(list.map((p) => p.split(':')[0]).sort()).toEqual([
      'DINGTALK_MODE',
      'LOG_LEVEL',
      'PORT',
      'WECOM_API_BASE',
    ]);
  });

  it('refuses a port outside 0–65535', () => {
    expect(problems({ PORT: '70000' })).toEqual([expect.stringMatching(/^PORT: /)]);
    expect(problems({ PORT: '-1' })).toEqual([expect.stringMatching(/^PORT: /)]);
  });

  it('requires the secrets of the mode chosen for each platform', () => {
    expect(problems({ DINGTALK_MODE: 'http' })).toEqual([
      'DINGTALK_APP_SECRET: required when DINGTALK_MODE=http',
    ]);
    expect(problems({ DINGTALK_MODE: 'stream', DINGTALK_CLIENT_ID: 'ding1' })).toEqual([
      'DINGTALK_CLIENT_ID, DINGTALK_CLIENT_SECRET: required when DINGTALK_MODE=stream',
    ]);
    expect(problems({ WECOM_MODE: 'callback', WECOM_TOKEN: 'tok' })).toEqual([
      'WECOM_TOKEN, WECOM_ENCODING_AES_KEY: required when WECOM_MODE=callback',
    ]);
    expect(problems({ WECOM_MODE: 'longconn', WECOM_BOT_ID: 'bot' })).toEqual([
      'WECOM_BOT_ID, WECOM_BOT_SECRET: required when WECOM_MODE=longconn',
    ]);
  });

  it('accepts each mode with its secrets', () => {
    expect(loadConfig({ DINGTALK_MODE: 'http', DINGTALK_APP_SECRET: 's' }).DINGTALK_MODE).toBe('http');
    expect(
      loadConfig({ DINGTALK_MODE: 'stream', DINGTALK_CLIENT_ID: 'i', DINGTALK_CLIENT_SECRET: 's' })
        .DINGTALK_MODE,
    ).toBe('stream');
    expect(
      loadConfig({ WECOM_MODE: 'callback', WECOM_TOKEN: 't', WECOM_ENCODING_AES_KEY: AES_KEY }).WECOM_MODE,
    ).toBe('callback');
    expect(loadConfig({ WECOM_MODE: 'longconn', WECOM_BOT_ID: 'b', WECOM_BOT_SECRET: 's' }).WECOM_MODE).toBe(
      'longconn',
    );
  });

  it('checks the EncodingAESKey length (43 characters)', () => {
    expect(problems({ WECOM_ENCODING_AES_KEY: 'short' })).toEqual([
      'WECOM_ENCODING_AES_KEY: must be 43 characters, got 5',
    ]);
  });

  it('lists a bad value and a missing mode secret together', () => {
    const list = problems({ PORT: 'x', WECOM_MODE: 'longconn', DINGTALK_MODE: 'http' });
    expect(list).toHaveLength(3);
    expect(list).toContain('WECOM_BOT_ID, WECOM_BOT_SECRET: required when WECOM_MODE=longconn');
    expect(list).toContain('DINGTALK_APP_SECRET: required when DINGTALK_MODE=http');
  });

  it('never puts a secret value into its message', () => {
    const secret = 'sup3r-s3cret-value';
    try {
      loadConfig({
        WECOM_MODE: 'callback',
        WECOM_TOKEN: secret,
        WECOM_ENCODING_AES_KEY: `${secret}-too-short`,
      });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).not.toContain(secret);
      expect((err as ConfigError).code).toBe('bad_config');
    }
  });

  it('takes HOME_REGION by any name, short form or code of the national gazetteer', () => {
    expect(loadConfig({ HOME_REGION: '红河州' }).HOME_REGION).toBe('红河州');
    expect(loadConfig({ HOME_REGION: '350102' }).HOME_REGION).toBe('350102');
    expect(loadConfig({ HOME_REGION: '平潭' }).HOME_REGION).toBe('平潭');
    expect(loadConfig({}).HOME_REGION).toBeUndefined();
  });

  it('refuses a HOME_REGION that names no region, with the closest names', () => {
    expect(problems({ HOME_REGION: '湖难' })).toEqual([
      expect.stringMatching(/^HOME_REGION: no region named "湖难" \(closest: 湖南省/),
    ]);
  });
});
