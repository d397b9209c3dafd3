import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GAZETTEER_SOURCE, gazetteer } from '../../data/gazetteer/index.ts';
import { nameForms, shortForm } from '../../data/gazetteer/names.ts';
import { RENAMES } from '../../data/gazetteer/renames.ts';
import { packageDir } from '../../data/gazetteer/source.ts';

const g = gazetteer();
const name = (text: string, opts = {}) => g.lookup(text, opts)?.place.name;
const described = (text: string, opts = {}) => {
  const r = g.lookup(text, opts);
  return r ? [g.describe(r.place), ...r.alternatives.map((p) => g.describe(p))] : [];
};

describe('gazetteer()', () => {
  it('holds every province, prefecture-level and county-level unit of the package', () => {
    // 31 NBS provinces + 台湾, 香港, 澳门; 333 prefectures (342 rows less the 9 grouping rows);
    // 2,978 county rows less the 4 that repeat a city without districts (东莞, 中山, 儋州, 嘉峪关).
    expect(g.size).toEqual({ provinces: 34, prefectures: 333, counties: 2974 });
    expect(g.all().filter((p) => p.statistical).length).toBeGreaterThan(50);
  });

  it('says which package version and data it was read from', () => {
    const pkg = JSON.parse(readFileSync(path.join(packageDir(), 'package.json'), 'utf8'));
    expect(pkg.version).toBe(GAZETTEER_SOURCE.version);
    expect(GAZETTEER_SOURCE.data).toContain('2023');
  });

  it('is loaded once', () => {
    expect(gazetteer()).toBe(g);
  });
});

describe('Gazetteer.lookup()', () => {
  it('finds places by the short forms people write', () => {
    expect(name('红河')).toBe('红河哈尼族彝族自治州');
    expect(name('红河州')).toBe('红河哈尼族彝族自治州');
    expect(name('黔东南')).toBe('黔东南苗族侗族自治州');
    expect(name('黔东南州')).toBe('黔东南苗族侗族自治州');
    expect(name('新乡')).toBe('新乡市');
    expect(name('湖南')).toBe('湖南省');
    expect(name('长沙')).toBe('长沙市');
    expect(name('内蒙古')).toBe('内蒙古自治区');
    expect(name('广西')).toBe('广西壮族自治区');
    expect(name('新疆')).toBe('新疆维吾尔自治区');
    expect(name('宁夏')).toBe('宁夏回族自治区');
    expect(name('西藏')).toBe('西藏自治区');
    expect(name('延边')).toBe('延边朝鲜族自治州');
    expect(name('锡林郭勒')).toBe('锡林郭勒盟');
    expect(name('阿里')).toBe('阿里地区');
    expect(name('石林县')).toBe('石林彝族自治县');
    expect(name('香港')).toBe('香港特别行政区');
  });

  it('finds places by code, today’s or former', () => {
    expect(name('5325')).toBe('红河哈尼族彝族自治州');
    expect(name('110105')).toBe('朝阳区');
    expect(name('350427')).toBe('沙县区');
    expect(g.byCode('350681')?.name).toBe('龙海区');
  });

  it('puts the districts of 北京, 重庆 and the counties under a province directly under the province', () => {
    expect(g.parent(g.lookup('朝阳区', { home: '11' })!.place)?.name).toBe('北京市');
    expect(g.parent(g.lookup('城口县')!.place)?.name).toBe('重庆市');
    expect(g.parent(g.lookup('仙桃市')!.place)?.name).toBe('湖北省');
    expect(g.lookup('东莞市')?.place.level).toBe('prefecture');
  });

  it('finds today’s unit by a former name (Fujian 2017–2021 and elsewhere)', () => {
    expect(described('沙县')).toEqual(['沙县区（福建省三明市，350405）']);
    expect(described('龙海市')).toEqual(['龙海区（福建省漳州市，350604）']);
    expect(described('长泰县')).toEqual(['长泰区（福建省漳州市，350605）']);
    expect(described('梅列区')).toEqual(['三元区（福建省三明市，350404）']);
    expect(described('长乐市')).toEqual(['长乐区（福建省福州市，350112）']);
    expect(name('莱芜市')).toBe('莱芜区');
    expect(name('郫县')).toBe('郫都区');
    expect(name('下城区')).toBe('拱墅区');
    expect(g.lookup('龙海市')?.how).toBe('former');
  });

  it('lists every unit of a shared name, the home region’s first, each with its parents', () => {
    expect(described('鼓楼区', { home: '35' })).toEqual([
      '鼓楼区（福建省福州市，350102）',
      '鼓楼区（江苏省南京市，320106）',
      '鼓楼区（江苏省徐州市，320302）',
      '鼓楼区（河南省开封市，410204）',
    ]);
    expect(described('鼓楼', { home: '41' })[0]).toBe('鼓楼区（河南省开封市，410204）');
    expect(described('鼓楼', { home: '35', scope: '3203' })[0]).toBe('鼓楼区（江苏省徐州市，320302）');
  });

  it('prefers the higher level when a short form is shared across levels', () => {
    expect(described('吉林')).toEqual(['吉林省（22）', '吉林市（吉林省，2202）']);
    expect(described('红河')[1]).toBe('红河县（云南省红河哈尼族彝族自治州，532529）');
    expect(name('海南')).toBe('海南省');
    expect(name('海南', { home: '63' })).toBe('海南藏族自治州');
  });

  it('returns undefined for a text that names no place', () => {
    expect(g.lookup('福洲')).toBeUndefined();
    expect(g.lookup('')).toBeUndefined();
  });
});

describe('Gazetteer.suggest()', () => {
  it('offers the nearest names nationally for a typo', () => {
    expect(g.suggest('黔东男').map((p) => p.name)).toEqual(['黔东南苗族侗族自治州']);
    expect(g.suggest('红合')[0]?.name).toBe('红河哈尼族彝族自治州');
  });

  it('puts a homophone from the input method first', () => {
    expect(g.suggest('长砂')[0]?.name).toBe('长沙市');
    expect(g.suggest('湖难')[0]?.name).toBe('湖南省');
    expect(
      g
        .suggest('福洲')
        .map((p) => p.name)
        .slice(0, 2),
    ).toEqual(['福州市', '抚州市']);
  });

  it('reads pinyin typed in letters', () => {
    expect(g.suggest('changsha')[0]?.name).toBe('长沙市');
    expect(g.suggest('qiandongnan').map((p) => p.name)).toEqual(['黔东南苗族侗族自治州']);
    expect(
      g
        .suggest('fuzhou')
        .map((p) => p.name)
        .slice(0, 2),
    ).toEqual(['福州市', '抚州市']);
  });

  it('weights the home region', () => {
    expect(g.suggest('平谭', { home: '35' })[0]?.name).toBe('平潭县');
    expect(g.suggest('鼓娄', { home: '41' })[0]?.code).toBe('410204');
    expect(g.suggest('鼓娄', { home: '32' })[0]?.code).toBe('320106');
  });

  it('offers nothing for a code or an empty text', () => {
    expect(g.suggest('999999')).toEqual([]);
    expect(g.suggest(' ')).toEqual([]);
  });
});

describe('Gazetteer.children(), chain(), within()', () => {
  it('walks the tree both ways', () => {
    const honghe = g.lookup('红河')!.place;
    expect(g.children(honghe.code).map((p) => p.name)).toContain('个旧市');
    expect(g.chain(g.lookup('个旧市')!.place).map((p) => p.name)).toEqual([
      '个旧市',
      '红河哈尼族彝族自治州',
      '云南省',
    ]);
    expect(g.within('532501', '53')).toBe(true);
    expect(g.within('532501', '35')).toBe(false);
    expect(g.province(g.lookup('个旧市')!.place).name).toBe('云南省');
  });
});

describe('Gazetteer.prefix() and scan()', () => {
  it('finds the place an issuer or unit name starts with', () => {
    expect(g.prefix('湖南省人民政府办公厅')?.place.name).toBe('湖南省');
    expect(g.prefix('红河州政务服务管理局')?.place.name).toBe('红河哈尼族彝族自治州');
    expect(g.prefix('国务院办公厅')).toBeUndefined();
  });

  it('finds the places a running text names, longest match first', () => {
    const found = g.scan('长沙市、株洲市和湘潭市政府网站均合格').map((m) => m.place.name);
    expect(found).toEqual(['长沙市', '株洲市', '湘潭市']);
  });
});

describe('shortForm() and nameForms()', () => {
  it('strip the generic suffix and ethnic names, never to fewer than two characters', () => {
    expect(shortForm('红河哈尼族彝族自治州')).toBe('红河');
    expect(shortForm('巴音郭楞蒙古自治州')).toBe('巴音郭楞');
    expect(shortForm('克孜勒苏柯尔克孜自治州')).toBe('克孜勒苏');
    expect(shortForm('大通回族土族自治县')).toBe('大通');
    expect(shortForm('龙胜各族自治县')).toBe('龙胜');
    expect(shortForm('东乡族自治县')).toBe('东乡');
    expect(shortForm('鄂伦春自治旗')).toBe('鄂伦春');
    expect(shortForm('内蒙古自治区')).toBe('内蒙古');
    expect(shortForm('沙县区')).toBe('沙县');
    expect(shortForm('沙县')).toBe('沙县');
    expect(shortForm('神农架林区')).toBe('神农架');
    expect(nameForms('红河哈尼族彝族自治州')).toEqual(['红河', '红河州']);
    expect(nameForms('石家庄高新技术产业开发区')).toEqual(['石家庄高新区']);
  });
});

describe('RENAMES', () => {
  it('name units that exist today, each with a source (a list of the package history, or the approval for one older than it)', () => {
    for (const r of RENAMES) {
      expect(g.byCode(r.code)?.name, `${r.former} → ${r.name}`).toBe(r.name);
      if (r.year >= 2016) expect(r.source).toMatch(/modood\/Administrative-divisions-of-China [0-9a-f]{7}/);
      else expect(r.source).toMatch(/^国务院\d{4}年批复/);
    }
    expect(g.lookup('襄樊市')?.place.name).toBe('襄阳市');
  });
});
