import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InspectionStore, RegisterWrite } from '../../data/store.ts';
import { storeKinds } from '../support/stores.ts';

const write = (over: Partial<RegisterWrite> = {}): RegisterWrite => ({
  newRegions: [],
  units: [{ id: 'u-1', name: '福州市示例局', regionId: '3501', aliases: [], contacts: [{ name: '张三', mobile: '13800000001' }] }],
  sites: [{ id: 's-3501000009', name: '示例局网站', regionId: '3501', unitId: 'u-1', kind: 'department' }],
  accounts: [{ id: 'a-1', platform: '微信公众号', name: '示例发布', regionId: '3501', unitId: 'u-1' }],
  ...over,
});

describe.each(storeKinds)('applyRegister() on $name', (kind) => {
  let store: InspectionStore;
  let reopen: () => Promise<InspectionStore>;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ store, reopen, cleanup } = await kind.open());
  });
  afterEach(() => cleanup());

  it('adds units, sites and accounts, and they survive a restart', async () => {
    expect(await store.applyRegister(write())).toEqual({ added: 3, updated: 0 });
    expect(store.dataset().unit('福州市示例局')?.contacts).toEqual([{ name: '张三', mobile: '13800000001' }]);
    const reopened = await reopen();
    expect(reopened.dataset().register.sites.map((s) => s.id)).toEqual(['s-3501000009']);
    expect(reopened.dataset().register.accounts.map((a) => a.name)).toEqual(['示例发布']);
  });

  it('updates entries with the same id instead of adding them again, and keeps the others', async () => {
    await store.applyRegister(write());
    const renamed = write({ units: [], accounts: [] });
    renamed.sites[0]!.name = '示例局网站（新版）';
    expect(await store.applyRegister(renamed)).toEqual({ added: 0, updated: 1 });
    const reg = store.dataset().register;
    expect(reg.sites.map((s) => s.name)).toEqual(['示例局网站（新版）']);
    expect(reg.accounts).toHaveLength(1);
  });

  it('upserts regions: a known province given a parent keeps its id', async () => {
    const country = { id: 'new/全国', name: '全国', short: '全国', kind: 'country' as const, aliases: [], learned: true };
    const fujian = { ...store.dataset().regions.get('35')!, parent: 'new/全国' };
    await store.applyRegister(write({ newRegions: [country, fujian], units: [], sites: [], accounts: [] }));
    expect(store.dataset().regions.get('35')?.parent).toBe('new/全国');
    expect(store.dataset().regions.within('3501', 'new/全国')).toBe(true);
  });

  it('refuses an entry that breaks the schema and writes nothing', async () => {
    const bad = write();
    bad.accounts[0]!.name = '';
    await expect(store.applyRegister(bad)).rejects.toThrow();
    expect(store.dataset().register.sites).toEqual([]);
    expect((await reopen()).dataset().register.units).toEqual([]);
  });

  it('refuses an account of the wrong shape with the schema message, wherever it is in the list', async () => {
    const bad = write();
    bad.accounts.push({ id: 'a-2', platform: '微博', name: '示例微博', regionId: 3501 as unknown as string });
    await expect(store.applyRegister(bad)).rejects.toThrow(/regionId/);
    const noPlatform = write();
    noPlatform.accounts[0]!.platform = '';
    await expect(store.applyRegister(noPlatform)).rejects.toThrow(/platform/);
    expect(store.dataset().register.accounts).toEqual([]);
  });

  it('strips keys the account schema does not know, as zod does', async () => {
    const extra = write();
    (extra.accounts[0] as unknown as Record<string, unknown>).note = '多余';
    await store.applyRegister(extra);
    expect(store.dataset().register.accounts).toEqual([
      { id: 'a-1', platform: '微信公众号', name: '示例发布', regionId: '3501', unitId: 'u-1' },
    ]);
  });
});
