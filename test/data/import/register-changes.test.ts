import { describe, expect, it } from 'vitest';
import { changesAnything, registerChanges, registerChangesDetail } from '../../../data/import/register-changes.ts';
import type { RegisterFile, Unit } from '../../../data/schema.ts';
import type { RegisterWrite } from '../../../data/store.ts';

/** What the audit trail records of a register write: counts per kind, and each contact that changed. */
const unit = (id: string, name: string, contacts: Unit['contacts']): Unit => ({ id, name, regionId: '35-sz', aliases: [], contacts });
const stored: RegisterFile = {
  version: 1,
  regions: [],
  units: [
    unit('u1', '福建省教育厅', [{ name: '陈老师', mobile: '13900000001' }, { name: '周老师', wecomUserId: 'zhou' }]),
    unit('u2', '福建省民政厅', []),
  ],
  sites: [{ id: 's1', name: '教育厅网站', regionId: '35-sz', unitId: 'u1', kind: 'department' }],
  accounts: [],
};
const write = (w: Partial<RegisterWrite>): RegisterWrite => ({ newRegions: [], units: [], sites: [], accounts: [], ...w });

describe('registerChanges()', () => {
  it('names each contact added, removed, or given a new mobile or platform id, by unit', () => {
    const c = registerChanges(
      stored,
      write({
        units: [
          unit('u1', '福建省教育厅', [{ name: '陈老师', mobile: '13900000002', wecomUserId: 'chenls' }]),
          unit('u2', '福建省民政厅', [{ name: '李四', dingtalkUserId: 'manager42' }]),
          unit('u3', '福建省财政厅', [{ mobile: '13700000003' }]),
        ],
      }),
    );
    expect(c.units).toEqual({ added: 1, changed: 2 });
    expect(c.contacts).toEqual([
      '福建省教育厅：陈老师 手机 139****0001 → 139****0002，企业微信 （无） → chenls',
      '福建省教育厅：－周老师',
      '福建省民政厅：＋李四',
      '福建省财政厅：＋13700000003',
    ]);
    expect(registerChangesDetail(c)).toEqual({ units: { added: 1, changed: 2 }, contacts: c.contacts });
  });

  it('finds nothing when the same entries are written again', () => {
    const c = registerChanges(stored, write({ units: stored.units, sites: stored.sites }));
    expect(changesAnything(c)).toBe(false);
    expect(registerChangesDetail(c)).toEqual({});
  });

  it('counts sites and accounts added and changed, and lists at most 20 contacts', () => {
    const many = Array.from({ length: 25 }, (_, i) => ({ name: `联系人${i}` }));
    const c = registerChanges(
      stored,
      write({
        units: [unit('u2', '福建省民政厅', many)],
        sites: [{ ...stored.sites[0]!, url: 'http://jyt.fujian.gov.cn' }, { id: 's2', name: '新网站', regionId: '35', kind: 'portal' }],
        accounts: [{ id: 'a1', platform: '微信公众号', name: '教育发布', regionId: '35-sz' }],
      }),
    );
    expect([c.sites, c.accounts]).toEqual([
      { added: 1, changed: 1 },
      { added: 1, changed: 0 },
    ]);
    expect(c.contacts).toHaveLength(20);
    expect(c.contactsMore).toBe(5);
  });
});
