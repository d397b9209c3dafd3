import derived from './renames.json' with { type: 'json' };

/**
 * Former names and codes, so a 2016–2021 notice (沙县, 龙海市, 长乐市, 莱芜市) still finds today's
 * unit. Two parts:
 *
 * - renames.json, derived by data/gazetteer/derive-renames.ts from the history of the package's
 *   own repository (modood/Administrative-divisions-of-China, NBS lists 2016–2022): a code that
 *   vanished and reappeared under the same parent with the same short form (沙县 350427 → 沙县区
 *   350405), or was renamed in place. Each entry names the commit of the first list showing the
 *   change.
 * - MERGERS below, curated by hand: units that vanished into another with a different name. Each
 *   was checked against the same history (the former code is absent from the commit named, the
 *   successor present under the same prefecture); the successor is the unit that took over the
 *   former seat, as the State Council approvals of those years describe.
 *
 * `year` is the first NBS list (state on 31 October of that year) with the new name, not the date
 * of the approval.
 */
export interface Rename {
  former: string;
  formerCode: string;
  /** Today's code and name. */
  code: string;
  name: string;
  year: number;
  source: string;
}

const history = (commit: string) => `modood/Administrative-divisions-of-China ${commit}`;

const MERGERS: Rename[] = [
  {
    former: '梅列区',
    formerCode: '350402',
    code: '350404',
    name: '三元区',
    year: 2021,
    source: `${history('0b7fd75')}; 国务院2021年批复撤销三明市梅列区、三元区，设立新的三元区`,
  },
  {
    former: '莱芜市',
    formerCode: '3712',
    code: '370116',
    name: '莱芜区',
    year: 2019,
    source: `${history('2824502')}; 国务院2019年批复撤销地级莱芜市，其莱城区设济南市莱芜区`,
  },
  {
    former: '莱城区',
    formerCode: '371202',
    code: '370116',
    name: '莱芜区',
    year: 2019,
    source: history('2824502'),
  },
  {
    former: '那曲县',
    formerCode: '542421',
    code: '540602',
    name: '色尼区',
    year: 2018,
    source: `${history('31aaa3c')}; 那曲地区撤地设市，那曲县改设色尼区`,
  },
  {
    former: '郫县',
    formerCode: '510124',
    code: '510117',
    name: '郫都区',
    year: 2017,
    source: history('c893e3b'),
  },
  {
    former: '盘县',
    formerCode: '520222',
    code: '520281',
    name: '盘州市',
    year: 2017,
    source: history('c893e3b'),
  },
  {
    former: '户县',
    formerCode: '610125',
    code: '610118',
    name: '鄠邑区',
    year: 2017,
    source: history('c893e3b'),
  },
  {
    former: '九江县',
    formerCode: '360421',
    code: '360404',
    name: '柴桑区',
    year: 2017,
    source: history('c893e3b'),
  },
  {
    former: '许昌县',
    formerCode: '411023',
    code: '411003',
    name: '建安区',
    year: 2017,
    source: history('c893e3b'),
  },
  {
    former: '江东区',
    formerCode: '330204',
    code: '330212',
    name: '鄞州区',
    year: 2017,
    source: `${history('c893e3b')}; 宁波市江东区并入鄞州区`,
  },
  {
    former: '金明区',
    formerCode: '410211',
    code: '410202',
    name: '龙亭区',
    year: 2017,
    source: `${history('c893e3b')}; 开封市金明区并入龙亭区`,
  },
  {
    former: '滦县',
    formerCode: '130223',
    code: '130284',
    name: '滦州市',
    year: 2018,
    source: history('31aaa3c'),
  },
  {
    former: '大同县',
    formerCode: '140227',
    code: '140215',
    name: '云州区',
    year: 2018,
    source: history('31aaa3c'),
  },
  {
    former: '长治县',
    formerCode: '140421',
    code: '140404',
    name: '上党区',
    year: 2018,
    source: history('31aaa3c'),
  },
  {
    former: '株洲县',
    formerCode: '430221',
    code: '430212',
    name: '渌口区',
    year: 2018,
    source: history('31aaa3c'),
  },
  {
    former: '宜宾县',
    formerCode: '511521',
    code: '511504',
    name: '叙州区',
    year: 2018,
    source: history('31aaa3c'),
  },
  {
    former: '彬县',
    formerCode: '610427',
    code: '610482',
    name: '彬州市',
    year: 2018,
    source: history('31aaa3c'),
  },
  {
    former: '茫崖行政委员会',
    formerCode: '632859',
    code: '632803',
    name: '茫崖市',
    year: 2018,
    source: history('31aaa3c'),
  },
  {
    former: '上饶县',
    formerCode: '361121',
    code: '361104',
    name: '广信区',
    year: 2019,
    source: history('2824502'),
  },
  {
    former: '邢台县',
    formerCode: '130521',
    code: '130503',
    name: '信都区',
    year: 2020,
    source: history('78b6f36'),
  },
  {
    former: '任县',
    formerCode: '130526',
    code: '130505',
    name: '任泽区',
    year: 2020,
    source: history('78b6f36'),
  },
  {
    former: '湾里区',
    formerCode: '360105',
    code: '360112',
    name: '新建区',
    year: 2020,
    source: `${history('78b6f36')}; 南昌市湾里区并入新建区`,
  },
  {
    former: '长岛县',
    formerCode: '370634',
    code: '370614',
    name: '蓬莱区',
    year: 2020,
    source: `${history('78b6f36')}; 烟台市长岛县并入蓬莱区`,
  },
  {
    former: '港闸区',
    formerCode: '320611',
    code: '320613',
    name: '崇川区',
    year: 2021,
    source: `${history('0b7fd75')}; 南通市港闸区并入崇川区`,
  },
  {
    former: '下城区',
    formerCode: '330103',
    code: '330105',
    name: '拱墅区',
    year: 2021,
    source: `${history('0b7fd75')}; 杭州市下城区并入拱墅区`,
  },
  {
    former: '江干区',
    formerCode: '330104',
    code: '330102',
    name: '上城区',
    year: 2021,
    source: `${history('0b7fd75')}; 杭州市江干区大部并入上城区`,
  },
  {
    former: '三山区',
    formerCode: '340208',
    code: '340209',
    name: '弋江区',
    year: 2021,
    source: `${history('0b7fd75')}; 芜湖市三山区并入弋江区`,
  },
  {
    former: '芜湖县',
    formerCode: '340221',
    code: '340210',
    name: '湾沚区',
    year: 2021,
    source: history('0b7fd75'),
  },
  {
    former: '吉利区',
    formerCode: '410306',
    code: '410308',
    name: '孟津区',
    year: 2021,
    source: `${history('0b7fd75')}; 洛阳市吉利区并入孟津区`,
  },
  // Renamed before the package's history begins (2016), still written in older registers and
  // in the names of units and sites: the code stayed, the name changed.
  {
    former: '襄樊市',
    formerCode: '4206',
    code: '4206',
    name: '襄阳市',
    year: 2010,
    source: '国务院2010年批复湖北省襄樊市更名为襄阳市（民政部公告，2010年11月）',
  },
  {
    former: '襄阳区',
    formerCode: '420607',
    code: '420607',
    name: '襄州区',
    year: 2010,
    source: '国务院2010年批复湖北省襄樊市更名为襄阳市，襄樊市襄阳区更名为襄阳市襄州区',
  },
  {
    former: '思茅市',
    formerCode: '5308',
    code: '5308',
    name: '普洱市',
    year: 2007,
    source: '国务院2007年批复云南省思茅市更名为普洱市',
  },
  {
    former: '横县',
    formerCode: '450127',
    code: '450181',
    name: '横州市',
    year: 2021,
    source: history('0b7fd75'),
  },
];

/** Every rename and merger, oldest first. */
export const RENAMES: readonly Rename[] = [...(derived as Rename[]), ...MERGERS].sort(
  (a, b) => a.year - b.year,
);
