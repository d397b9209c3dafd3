import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runSheetImport } from '../../../bot/cli/sheet-import.ts';
import { ImportService } from '../../../bot/imports.ts';
import { silentLogger } from '../../../bot/logger.ts';
import { type OpenedStore, storeKinds } from '../../support/stores.ts';

/**
 * A register imported from the server's shell is audited like a round: who (cli), when, the
 * files, and what changed — counts per kind and each contact whose mobile or platform id changed.
 * On every store.
 */
const templates = path.resolve(import.meta.dirname, '../../../data/templates');
const now = new Date('2020-07-12T10:00:00+08:00');

describe.each(storeKinds)('register import audit ($name)', (kind) => {
  let opened: OpenedStore | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
    opened = undefined;
  });

  async function run(files: string[], at = now): Promise<number> {
    const store = opened!.store;
    return runSheetImport({ files, apply: true, now: at }, { store, imports: new ImportService(store, silentLogger), print: () => {} });
  }

  it('records who, when, the files and the contacts, once per change', async () => {
    opened = await kind.open();
    dir = await mkdtemp(path.join(os.tmpdir(), 'register-audit-'));
    const sites = path.join(dir, 'register-网站名册.csv');
    await copyFile(path.join(templates, 'register-网站名册.csv'), sites);
    const files = [path.join(templates, 'register-地区.csv'), sites];
    expect(await run(files)).toBe(0);
    const [first] = await opened.store.auditLog(5);
    expect(first).toMatchObject({ at: now.toISOString(), platform: 'cli', action: 'register.imported' });
    expect(first?.detail).toMatchObject({
      source: 'register-地区.csv、register-网站名册.csv',
      units: { added: 3, changed: 0 },
      sites: { added: 3, changed: 0 },
      contacts: ['福州市人民政府办公厅：＋张三', '福州市示例局：＋李四'],
    });

    // The same files again change nothing: nothing is recorded.
    expect(await run(files)).toBe(0);
    expect((await opened.store.auditLog(5)).map((e) => e.detail)).toEqual([first?.detail]);

    // 李四 gets a WeCom userid: recorded as that, on a reopened store too.
    const csv = await readFile(sites, 'utf8');
    await writeFile(sites, csv.replace('李四,13800000002,,', '李四,13800000002,lisi,'));
    const later = new Date('2020-07-13T09:00:00+08:00');
    expect(await run(files, later)).toBe(0);
    const [entry] = await (await opened.reopen()).auditLog(1);
    expect(entry).toMatchObject({ at: later.toISOString(), platform: 'cli', action: 'register.imported' });
    expect(entry?.detail).toEqual({
      source: 'register-地区.csv、register-网站名册.csv',
      units: { added: 0, changed: 1 },
      contacts: ['福州市示例局：李四 企业微信 （无） → lisi'],
    });
  });
});
