import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Subscriptions } from '../../../bot/alerts/subscriptions.ts';
import { resolveTarget } from '../../../handlers/services.ts';
import { makeGroups } from '../../../bot/groups.ts';
import { dataset, failure, roundFile, wecomGroup } from '../../support/alert-world.ts';

const data = dataset(
  [roundFile('2020Q1', [failure('福建省教育厅', '35-sz')])],
  [{ id: 'u1', name: '福州市退役军人事务局', aliases: ['福州退役军人局'], contacts: [] }],
);
const groups = makeGroups([wecomGroup('fz', ['福州']), wecomGroup('empty', [])]);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'subs-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('alerts.Subscriptions', () => {
  it('starts from what groups.json declares, names resolved to region ids', async () => {
    const subs = await Subscriptions.open(dir, groups);
    expect(subs.scopeOf('fz', data)).toEqual({ regions: ['3501'], units: [] });
    expect(subs.scopeOf('unknown', data)).toEqual({ regions: [], units: [] });
  });

  it('adds and removes regions and units, persisted across a restart', async () => {
    const subs = await Subscriptions.open(dir, groups);
    expect(await subs.add('fz', { kind: 'region', region: data.regions.get('35-pt')! }, data)).toBe(true);
    expect(await subs.add('fz', { kind: 'unit', name: '福建省教育厅' }, data)).toBe(true);
    expect(await subs.add('fz', { kind: 'unit', name: '福建省教育厅' }, data)).toBe(false);
    expect(await subs.remove('fz', { kind: 'region', region: data.regions.get('3501')! }, data)).toBe(true);
    expect(await subs.remove('fz', { kind: 'region', region: data.regions.get('3501')! }, data)).toBe(false);
    const reopened = await Subscriptions.open(dir, groups);
    expect(reopened.scopeOf('fz', data)).toEqual({ regions: ['35-pt'], units: ['福建省教育厅'] });
    expect(JSON.parse(await readFile(path.join(dir, 'subscriptions.json'), 'utf8')).groups.fz).toEqual({
      regions: ['35-pt'],
      units: ['福建省教育厅'],
    });
  });

  it('keeps an emptied list empty rather than falling back to the declared one', async () => {
    const subs = await Subscriptions.open(dir, groups);
    await subs.remove('fz', { kind: 'region', region: data.regions.get('3501')! }, data);
    expect(subs.scopeOf('fz', data)).toEqual({ regions: [], units: [] });
  });
});

describe('alerts.resolveTarget()', () => {
  it('reads a region by name, short form or nickname', () => {
    expect(resolveTarget('福州', data)).toMatchObject({ kind: 'region', region: { id: '3501' } });
    expect(resolveTarget('榕城', data)).toMatchObject({ kind: 'region', region: { id: '3501' } });
    expect(resolveTarget('福建省', data)).toMatchObject({ kind: 'region', region: { id: '35' } });
  });

  it('reads a unit from the register (aliases too) or from the failures of any round', () => {
    expect(resolveTarget('福州退役军人局', data)).toEqual({ kind: 'unit', name: '福州市退役军人事务局' });
    expect(resolveTarget('福建省教育厅', data)).toEqual({ kind: 'unit', name: '福建省教育厅' });
  });

  it('answers undefined for anything else', () => {
    expect(resolveTarget('火星', data)).toBeUndefined();
  });
});

describe('alerts.Subscriptions scanned imports', () => {
  it('remembers the last import whose alerts were queued, across a restart', async () => {
    const subs = await Subscriptions.open(dir, groups);
    expect(subs.scanned()).toBeUndefined();
    await subs.markScanned({ roundKey: '2020Q1@35', at: '2020-04-14T01:00:00.000Z' });
    expect((await Subscriptions.open(dir, groups)).scanned()).toEqual({
      roundKey: '2020Q1@35',
      at: '2020-04-14T01:00:00.000Z',
    });
  });
});
