import { describe, expect, it } from 'vitest';
import { fujianRegions } from '../../data/reference/fujian.ts';
import { RegionIndex } from '../../data/regions.ts';

const index = new RegionIndex(fujianRegions(), { home: '35' });
const resolved = (text: string) => index.resolve(text)?.region.name;

describe('the shipped Fujian regions', () => {
  it('are the province, its 9 cities, 平潭综合实验区 and 省直部门', () => {
    const below = index.childrenOf('35');
    expect(below.filter((r) => r.kind === 'city').map((r) => r.name)).toEqual([
      '福州市',
      '厦门市',
      '莆田市',
      '三明市',
      '泉州市',
      '漳州市',
      '南平市',
      '龙岩市',
      '宁德市',
    ]);
    expect(
      below
        .filter((r) => r.kind !== 'city')
        .map((r) => r.name)
        .sort(),
    ).toEqual(['平潭综合实验区', '省直部门']);
  });

  it('hold the 84 county-level units of domain.md §4.2: 83 districts and counties plus the zone for 平潭县', () => {
    const districts = index.all().filter((r) => r.kind === 'district');
    expect(districts).toHaveLength(83);
    expect(districts.length + 1).toBe(84);
    expect(new Set(districts.map((r) => r.code)).size).toBe(83);
    expect(resolved('平潭县')).toBe('平潭综合实验区');
  });

  it('keep 平潭 out of 福州', () => {
    expect(index.get('35-pt')?.parent).toBe('35');
    expect(index.within('35-pt', '3501')).toBe(false);
    expect(index.within('35-pt', '35')).toBe(true);
    expect(index.childrenOf('3501').map((r) => r.name)).not.toContain('平潭县');
  });
});

describe('RegionIndex.resolve()', () => {
  it('never lets a learned region outrank a registered one of the same name', () => {
    // What a mistyped API scope once left behind: 福州 learned under new/福建生, named exactly 福州.
    const typo = {
      id: 'new/福建生',
      name: '福建生',
      short: '福建生',
      kind: 'province' as const,
      aliases: [],
      learned: true,
    };
    const twin = {
      id: 'new/福建生/福州',
      name: '福州',
      short: '福州',
      kind: 'city' as const,
      parent: 'new/福建生',
      aliases: [],
      learned: true,
    };
    const withTwin = new RegionIndex([...fujianRegions(), typo, twin]);
    expect(withTwin.resolve('福州')?.region.id).toBe('3501');
    expect(withTwin.resolve('福州市')?.region.id).toBe('3501');
    // Inside the learned scope it is still found, for that round's own rows.
    expect(withTwin.resolve('福州', 'new/福建生')?.region.id).toBe('new/福建生/福州');
  });

  it('ranks a gazetteer unit an import added to the register as the gazetteer’s: 长沙 is still 长沙市, not 长沙县', () => {
    const hunan = {
      id: '43',
      code: '43',
      name: '湖南省',
      short: '湖南',
      kind: 'province' as const,
      aliases: [],
      learned: true,
    };
    const changsha = {
      id: '4301',
      code: '4301',
      name: '长沙市',
      short: '长沙',
      kind: 'city' as const,
      parent: '43',
      aliases: [],
      learned: true,
    };
    const withImport = new RegionIndex([...fujianRegions(), hunan, changsha], { home: '35' });
    expect(withImport.resolve('长沙')?.region.id).toBe('4301');
  });

  it('finds a region by full name, short form, nickname and code', () => {
    expect(resolved('福州市')).toBe('福州市');
    expect(resolved('福州')).toBe('福州市');
    expect(resolved('榕城')).toBe('福州市');
    expect(resolved('3501')).toBe('福州市');
    expect(resolved('350102')).toBe('鼓楼区');
    expect(resolved('省直')).toBe('省直部门');
    expect(resolved('平潭')).toBe('平潭综合实验区');
    expect(resolved('全省')).toBe('福建省');
  });

  it('finds a district by its pre-2021 name', () => {
    expect(resolved('沙县')).toBe('沙县区');
    expect(resolved('龙海市')).toBe('龙海区');
    expect(resolved('长泰县')).toBe('长泰区');
    expect(resolved('梅列区')).toBe('三元区');
    expect(resolved('长乐市')).toBe('长乐区');
  });

  it('resolves a name shared by a district and a city nickname to the district, offering the city', () => {
    const res = index.resolve('鲤城');
    expect(res?.region.name).toBe('鲤城区');
    expect(res?.alternatives.map((r) => r.name)).toEqual(['泉州市']);
    expect(index.resolve('荔城')?.region.name).toBe('荔城区');
    expect(index.resolve('荔城')?.alternatives.map((r) => r.name)).toEqual(['莆田市']);
  });

  it('ignores full-width characters, spaces and bracketed remarks', () => {
    expect(resolved(' 福 州 ')).toBe('福州市');
    expect(resolved('３５０１０２')).toBe('鼓楼区');
    expect(resolved('省直部门（含二级网站）')).toBe('省直部门');
  });

  it('returns undefined for a name it does not know', () => {
    expect(index.resolve('福洲')).toBeUndefined();
    expect(index.resolve('')).toBeUndefined();
  });
});

describe('RegionIndex.within()', () => {
  it('holds for a region itself, its city and its province', () => {
    expect(index.within('350102', '350102')).toBe(true);
    expect(index.within('350102', '3501')).toBe(true);
    expect(index.within('350102', '35')).toBe(true);
    expect(index.within('350102', '3502')).toBe(false);
    expect(index.within('nowhere', '35')).toBe(false);
  });
});

describe('RegionIndex.suggest()', () => {
  const names = (text: string) => index.suggest(text).map((r) => r.name);

  it('suggests 福州市 first for the typo 福洲', () => {
    expect(names('福洲')[0]).toBe('福州市');
    expect(names('福洲')).toContain('福建省');
  });

  it('suggests the city for other one-character typos', () => {
    expect(names('厦们')[0]).toBe('厦门市');
    expect(names('泉洲')[0]).toBe('泉州市');
    expect(names('漳洲')[0]).toBe('漳州市');
    expect(names('平谭')[0]).toBe('平潭综合实验区');
  });

  it('gives at most the requested number of distinct regions', () => {
    expect(index.suggest('福洲', 2)).toHaveLength(2);
    expect(new Set(names('福洲')).size).toBe(names('福洲').length);
  });

  it('suggests nothing for text unlike any region, and never a bare code', () => {
    expect(index.suggest('天气怎么样')).toEqual([]);
    expect(index.suggest('')).toEqual([]);
    expect(index.suggest('350199').filter((r) => r.kind === 'district')).toEqual([]);
  });
});

describe('RegionIndex.describe()', () => {
  it('names a district with its city and code', () => {
    expect(index.describe(index.get('350102')!)).toBe('鼓楼区（福州市，350102）');
  });

  it('names a city, the zone and the province as they are', () => {
    expect(index.describe(index.get('3501')!)).toBe('福州市');
    expect(index.describe(index.get('35-pt')!)).toBe('平潭综合实验区');
    expect(index.describe(index.get('35')!)).toBe('福建省');
  });
});

describe('RegionIndex.provinceOf()', () => {
  it('walks up to the province', () => {
    expect(index.provinceOf(index.get('350102')!)?.id).toBe('35');
    expect(index.provinceOf(index.get('35')!)?.id).toBe('35');
  });
});

describe('RegionIndex over the national gazetteer', () => {
  const national = (home?: string) => new RegionIndex(fujianRegions(), home ? { home } : {});

  it('resolves any province, prefecture or county by the forms people write', () => {
    const idx = national('35');
    expect(idx.resolve('红河')?.region).toMatchObject({ id: '5325', kind: 'city', parent: '53' });
    expect(idx.resolve('黔东南')?.region.name).toBe('黔东南苗族侗族自治州');
    expect(idx.resolve('长沙')?.region).toMatchObject({ id: '4301', parent: '43' });
    expect(idx.resolve('湖南')?.region).toMatchObject({ id: '43', kind: 'province' });
    expect(idx.resolve('海南')?.region.id).toBe('46');
  });

  it('keeps the curated Fujian regions: 平潭 is its own region, not 福州’s 平潭县; 省直 the departments', () => {
    const idx = national();
    expect(idx.resolve('平潭县')?.region.id).toBe('35-pt');
    expect(idx.get('350128')?.id).toBe('35-pt');
    expect(idx.childrenOf('3501').map((r) => r.id)).not.toContain('350128');
    expect(idx.childrenOf('3501').map((r) => r.id)).not.toContain('35-pt');
    expect(idx.resolve('省直')?.region.id).toBe('35-sz');
    expect(idx.resolve('榕城')?.region.id).toBe('3501');
  });

  it('lists a gazetteer region’s children, and the same children as the register for a Fujian city', () => {
    const idx = national();
    expect(idx.childrenOf('5325').map((r) => r.name)).toContain('个旧市');
    expect(
      idx
        .childrenOf('3504')
        .map((r) => r.name)
        .sort(),
    ).toEqual(
      index
        .childrenOf('3504')
        .map((r) => r.name)
        .sort(),
    );
  });

  it('prefers the home region for a shared name and offers the others with their parents', () => {
    const nanjing = national('3201');
    const res = nanjing.resolve('鼓楼');
    expect(res?.region.id).toBe('320106');
    expect(res?.alternatives.map((r) => nanjing.describe(r))).toEqual([
      '鼓楼区（福建省福州市，350102）',
      '鼓楼区（徐州市，320302）',
      '鼓楼区（河南省开封市，410204）',
    ]);
    expect(national('35').resolve('鼓楼')?.region.id).toBe('350102');
    expect(national('35').resolve('鼓楼', '3203')?.region.id).toBe('320302');
  });

  it('takes HOME_REGION by any name or code', () => {
    expect(national('红河州').home).toBe('5325');
    expect(national('350102').home).toBe('350102');
    expect(national('福洲').home).toBeUndefined();
  });

  it('suggests nationally, weighted to the home region', () => {
    expect(national('35').suggest('长砂')[0]?.name).toBe('长沙市');
    expect(national('35').suggest('平谭')[0]?.id).toBe('35-pt');
    expect(national('53').suggest('红合')[0]?.id).toBe('5325');
  });

  it('finds today’s unit by a former code', () => {
    expect(national().resolve('350427')?.region.name).toBe('沙县区');
    expect(national().get('350681')?.name).toBe('龙海区');
  });
});
