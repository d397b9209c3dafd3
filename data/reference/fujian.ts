import type { Region } from '../schema.ts';

/**
 * Fujian's reporting regions (domain.md §4): the province, its 9 cities, 平潭综合实验区 (its own
 * reporting region, never rolled into 福州), the 省直部门 group, and the county-level units (NBS
 * 2022, modood/Administrative-divisions-of-China dc3a1d7) with pre-2021 names kept as aliases.
 * 平潭县 (350128) is listed as an alias of 平潭综合实验区, which reports for it in practice, so the
 * 84 county-level units are 83 districts/counties plus the zone.
 */
const cities: Array<[code: string, name: string, nicknames: string[], districts: string]> = [
  ['3501', '福州市', ['榕城', '榕', '三山'], '鼓楼区350102 台江区350103 仓山区350104 马尾区350105 晋安区350111 长乐区350112 闽侯县350121 连江县350122 罗源县350123 闽清县350124 永泰县350125 福清市350181'],
  ['3502', '厦门市', ['鹭岛', '鹭城'], '思明区350203 海沧区350205 湖里区350206 集美区350211 同安区350212 翔安区350213'],
  ['3503', '莆田市', ['莆', '荔城'], '城厢区350302 涵江区350303 荔城区350304 秀屿区350305 仙游县350322'],
  ['3504', '三明市', [], '三元区350404 沙县区350405 明溪县350421 清流县350423 宁化县350424 大田县350425 尤溪县350426 将乐县350428 泰宁县350429 建宁县350430 永安市350481'],
  ['3505', '泉州市', ['鲤城', '刺桐城', '温陵'], '鲤城区350502 丰泽区350503 洛江区350504 泉港区350505 惠安县350521 安溪县350524 永春县350525 德化县350526 金门县350527 石狮市350581 晋江市350582 南安市350583'],
  ['3506', '漳州市', ['漳'], '芗城区350602 龙文区350603 龙海区350604 长泰区350605 云霄县350622 漳浦县350623 诏安县350624 东山县350626 南靖县350627 平和县350628 华安县350629'],
  ['3507', '南平市', ['闽北'], '延平区350702 建阳区350703 顺昌县350721 浦城县350722 光泽县350723 松溪县350724 政和县350725 邵武市350781 武夷山市350782 建瓯市350783'],
  ['3508', '龙岩市', ['闽西'], '新罗区350802 永定区350803 长汀县350821 上杭县350823 武平县350824 连城县350825 漳平市350881'],
  ['3509', '宁德市', ['闽东'], '蕉城区350902 霞浦县350921 古田县350922 屏南县350923 寿宁县350924 周宁县350925 柘荣县350926 福安市350981 福鼎市350982'],
];

/** Names in force before the 2017 and 2021 changes; 2020 notices use them (domain.md §4.2). */
const oldNames: Record<string, string[]> = {
  '350112': ['长乐市'],
  '350404': ['梅列区'],
  '350405': ['沙县'],
  '350604': ['龙海市'],
  '350605': ['长泰县'],
};

/** Short form of an administrative name: 福州市 → 福州, 武夷山市 → 武夷山, 沙县区 → 沙县. */
export function shortName(name: string): string {
  const m = name.match(/^(.{2,}?)(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|自治县|地区|新区|省|市|区|县|盟|旗)$/);
  return m?.[1] ?? name;
}

export function fujianRegions(): Region[] {
  const regions: Region[] = [
    { id: '35', code: '35', name: '福建省', short: '福建', kind: 'province', aliases: ['闽', '全省'] },
    {
      id: '35-sz',
      name: '省直部门',
      short: '省直',
      kind: 'provincial-depts',
      parent: '35',
      aliases: ['省直单位', '省级部门', '省政府部门', '省直部门（含二级网站）'],
    },
    {
      id: '35-pt',
      name: '平潭综合实验区',
      short: '平潭',
      kind: 'special-zone',
      parent: '35',
      aliases: ['岚岛', '岚', '平潭县', '平潭综合实验区管委会'],
    },
  ];
  for (const [code, name, nicknames, districts] of cities) {
    regions.push({ id: code, code, name, short: shortName(name), kind: 'city', parent: '35', aliases: nicknames });
    for (const entry of districts.split(' ')) {
      const m = entry.match(/^(.+?)(\d{6})$/);
      if (!m) throw new Error(`fujian: bad district entry ${entry}`);
      const [, dname, dcode] = m as unknown as [string, string, string];
      regions.push({
        id: dcode,
        code: dcode,
        name: dname,
        short: shortName(dname),
        kind: 'district',
        parent: code,
        aliases: oldNames[dcode] ?? [],
      });
    }
  }
  return regions;
}
