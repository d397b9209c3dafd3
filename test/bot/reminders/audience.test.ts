import { describe, expect, it } from 'vitest';
import { declaredScope, follows } from '../../../bot/reminders/audience.ts';
import { Dataset } from '../../../data/dataset.ts';
import type { Task } from '../../../data/deadlines/task.ts';
import { fujianRegions } from '../../../data/reference/fujian.ts';
import { type Region, SCHEMA_VERSION } from '../../../data/schema.ts';
import { wecomGroup } from '../../support/alert-world.ts';

/**
 * A data directory after the bug of issue 11: an API round with the mistyped scope 福建生 learned
 * a root region, and under it a region named exactly 福州.
 */
const typo: Region = { id: 'new/福建生', name: '福建生', short: '福建生', kind: 'province', aliases: [], learned: true };
const twin: Region = {
  id: 'new/福建生/福州',
  name: '福州',
  short: '福州',
  kind: 'city',
  parent: 'new/福建生',
  aliases: [],
  learned: true,
};
const data = new Dataset(
  { version: SCHEMA_VERSION, regions: [...fujianRegions(), typo, twin], units: [], sites: [], accounts: [] },
  [],
);

describe('declaredScope()', () => {
  it('keeps a 福州 group on 福州市 when a learned region is named exactly 福州', () => {
    expect(declaredScope(wecomGroup('fz', ['福州']), data)).toEqual({ regions: ['3501'], units: [] });
  });
});

describe('follows()', () => {
  it('sends a 鼓楼区 failure of 福州市 to the 福州 group, not the learned twin', () => {
    const task = { id: 't', unitKey: 'u', unitName: '某局', failure: { regionId: '350102' } } as unknown as Task;
    expect(follows(wecomGroup('fz', ['福州']), task, data)).toBe(true);
  });
});
