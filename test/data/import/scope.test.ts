import { describe, expect, it } from 'vitest';
import { Dataset } from '../../../data/dataset.ts';
import { type NoticeSource, parseNotice } from '../../../data/import/notice.ts';
import { ImportError, IssuerNotFound } from '../../../data/import/refusal.ts';
import { fujianRegions } from '../../../data/reference/fujian.ts';
import { SCHEMA_VERSION } from '../../../data/schema.ts';

/**
 * Which region a notice covers when its office does not say (issue 12, item 3): the texts below
 * are shaped like real county and city notices (a first person 我县, a bare 县政府办公室, a
 * portal's 来源 line, units named in tables), with invented names where the rule is about names.
 */
const AT = new Date('2026-12-01T09:00:00+08:00');
const fresh = () =>
  new Dataset({ version: SCHEMA_VERSION, regions: fujianRegions(), units: [], sites: [], accounts: [] }, []);
const parse = (text: string, more: Partial<NoticeSource> = {}) =>
  parseNotice({ text, file: 'notice.txt', ...more }, fresh(), AT).report;
const lines = (...l: string[]) => l.join('\n');

function refusal(fn: () => unknown): ImportError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ImportError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('a notice that speaks as its own unit (我县, 本市)', () => {
  it('is placed at the unit of that level it names, qualified by its parent (漳州市云霄县)', () => {
    const r = parse(
      lines(
        '根据《福建省人民政府办公厅关于开展2022年度全省政府网站与政务新媒体考核的通知》要求,我县开展2023年第二季度全县政府网站和政务新媒体自查工作,现将有关情况通报如下:',
        '一、总体情况',
        '漳州市云霄县人民政府网站未发现“单项否决”问题。对政务新媒体进行抽查结果全部合格。',
        '云霄县将进一步强调政府网站和新媒体工作的重要性。',
      ),
    );
    expect(r.round.scopeRegionId).toBe('350622');
    expect(r.round.issuer).toBe('云霄县（按正文推断）');
    expect(r.notes.join('')).toMatch(/按“我县”和正文所列地区.*云霄县/);
  });

  it('is never placed by a unit named only once, nor by a province the cited document names', () => {
    const err = refusal(() =>
      parse(
        lines(
          '根据《福建省人民政府办公厅关于开展2022年度全省政府网站考核的通知》要求,我县开展2023年第二季度政府网站自查工作。',
          '云霄县人民政府网站全部合格。',
        ),
      ),
    );
    expect(err).toBeInstanceOf(IssuerNotFound);
    expect(err.message).toMatch(/我县/);
    expect(err.message).toMatch(/--issuer <地区>/);
  });

  it('reads 我区 of an autonomous region as the region when the cities it names lie in it (广西)', () => {
    const r = parse(
      lines(
        '为加强政府网站管理,我区开展2021年第三季度政府网站抽查工作,现将情况通报如下:',
        '南宁市、柳州市、桂林市、钦州市政府网站全部合格,百色市1个网站不合格。',
      ),
    );
    expect(r.round.scopeRegionId).toBe('45');
  });

  it('reads 全市 of a municipality as the municipality when the districts it names lie in it (北京)', () => {
    const r = parse(
      lines(
        '2024年第一季度全市政府网站检查情况',
        '一、总体情况',
        '本次检查全市政府网站80个,不合格2个,东城区、西城区、朝阳区、海淀区全部合格。',
      ),
    );
    expect(r.round.scopeRegionId).toBe('11');
  });
});

describe('an office that names its level but not its place (县政府办公室)', () => {
  const wuding = lines(
    '各乡镇人民政府,县直各部门,云南武定产业园区管委会:',
    '按照《国务院办公厅秘书局关于印发政府网站与政务新媒体检查指标的通知》要求,县政府办公室对县政府网站与政务新媒体开展日常监测,现将2025年9月监测情况通报如下:',
    '2025年9月,县政府办公室对8个政务新媒体开展检查,检查比例为100%,1个不合格。',
    '武定县2025年9月政务新媒体监测情况汇总表',
    '序号 | 主办单位 | 新媒体名称 | 发布条数 |',
    '1 | 县人民政府办公室 | 武定县人民政府办公室 | 32 |',
    '2 | 县公安局 | 武定警方 | 72 |',
  );

  it('is placed at the unit of that level the text names (table title, account names), its name made whole', () => {
    const r = parse(wuding);
    expect(r.round.scopeRegionId).toBe('532329');
    expect(r.round.issuer).toBe('武定县政府办公室');
  });

  it('is not placed at a unit of another level: 楚雄 named in a 县 notice is not its scope', () => {
    const err = refusal(() =>
      parse(
        lines(
          '县政府办公室对县政府网站开展2025年9月监测,1个网站不合格。',
          '楚雄州政务服务管理局、楚雄州公安局已转载。',
          '楚雄州人民政府网站转载情况良好。',
        ),
      ),
    );
    expect(err.message).toMatch(/发文机关“县政府办公室”没有写明地区/);
  });

  it('takes the portal of a saved page as the place when the text names none', () => {
    const text = lines(
      '县政府办公室对县政府网站开展2025年9月监测,共检查网站1个,不合格1个。',
      '各单位要加强信息发布。',
    );
    expect(refusal(() => parse(text))).toBeInstanceOf(IssuerNotFound);
    const r = parse(text, { site: '武定县人民政府门户网站', format: 'html' });
    expect(r.round.scopeRegionId).toBe('532329');
  });

  it('takes the office of a page’s 来源 line (作者/来源/发布时间 under the title)', () => {
    const r = parse(
      lines(
        '2022年第一季度政府网站和政务新媒体检查结果',
        '作者:宁陕县信息化工作领导小组办公室 来源:宁陕县信息化工作领导小组办公室 发布时间:2022-02-09 14:49',
        '近期,对县政府网站进行了全面排查,检查网站1个,不合格1个。',
      ),
    );
    expect(r.round.scopeRegionId).toBe('610923');
    expect(r.round.issuer).toBe('宁陕县信息化工作领导小组办公室');
  });
});

describe('a title that names its unit inside it', () => {
  it('places an office without a place (省政府办公厅) by the province the title names (关于…浙江省政府系统…的通报)', () => {
    const r = parse(
      lines(
        '关于2022年第三季度浙江省政府系统政务新媒体检查情况的通报',
        '来源:省政府办公厅',
        '省政府办公厅组织开展了2022年第三季度全省政府系统政务新媒体检查工作。共有政务账号3120个,检查发现问题账号2个。',
      ),
    );
    expect(r.round.scopeRegionId).toBe('33');
    expect(r.round.issuer).toBe('浙江省政府办公厅');
  });

  it('places a notice with no office and no level word by the one unit its title names', () => {
    const r = parse(
      lines('关于2023年第二季度云霄县政府网站检查情况的通报', '本次检查政府网站1个,不合格1个。'),
    );
    expect(r.round.scopeRegionId).toBe('350622');
  });
});

describe('names several places share', () => {
  it('places 鼓楼区 by the parent written with it, in either province', () => {
    const fz = parse(
      lines(
        '我区开展2023年第二季度政府网站自查。',
        '福州市鼓楼区人民政府网站合格。',
        '福州市鼓楼区教育局网站1个不合格。',
      ),
    );
    expect(fz.round.scopeRegionId).toBe('350102');
    const nj = parse(
      lines(
        '我区开展2023年第二季度政府网站自查。',
        '南京市鼓楼区人民政府网站合格。',
        '南京市鼓楼区教育局网站1个不合格。',
      ),
    );
    expect(nj.round.scopeRegionId).toBe('320106');
  });

  it('never guesses 鼓楼区 or 城关区 without its parent: refused, asking for --issuer', () => {
    for (const name of ['鼓楼区', '城关区']) {
      const err = refusal(() =>
        parse(
          lines(
            '我区开展2023年第二季度政府网站自查,检查网站3个,不合格1个。',
            `${name}人民政府网站合格。`,
            `${name}教育局网站不合格。`,
          ),
        ),
      );
      expect(err).toBeInstanceOf(IssuerNotFound);
    }
  });

  it('takes a county-level city (福清市) for 我市, not the prefecture above it', () => {
    const r = parse(
      lines(
        '我市开展2023年第二季度政府网站自查,检查网站3个,不合格1个。',
        '福清市人民政府网站合格。',
        '福清市教育局网站不合格。',
      ),
    );
    expect(r.round.scopeRegionId).toBe('350181');
  });

  it('takes the prefecture for 全市 when the counties it names lie under it (福清市、长乐区 → 福州市)', () => {
    const r = parse(
      lines(
        '2023年第二季度全市政府网站检查,检查网站30个,不合格2个。',
        '福清市、长乐区、闽侯县、连江县全部合格。',
      ),
    );
    expect(r.round.scopeRegionId).toBe('3501');
  });
});

describe('the regions a notice’s table names', () => {
  const jinan = lines(
    '济南市人民政府办公厅关于2020年第一季度全市政府网站检查情况的通报',
    '附件1',
    '2020年第一季度政府网站检查情况表',
    '地区',
    '运行网站总数',
    '检查网站数',
    '不合格网站数',
    '历下区',
    '5',
    '5',
    '0',
    '莱芜市',
    '4',
    '4',
    '1',
    '济南高新区',
    '3',
    '3',
    '0',
    '起步区',
    '2',
    '2',
    '0',
    '市直部门',
    '30',
    '30',
    '1',
    '鼓楼区',
    '1',
    '1',
    '0',
    '合计',
    '45',
    '45',
    '2',
  );
  const r = parse(jinan);
  const ids = r.tallies.map((t) => t.regionId);
  const learned = (id: string) => r.newRegions.find((x) => x.id === id);

  it('places a renamed unit at today’s (莱芜市 → 济南市莱芜区) and an NBS development zone at its code', () => {
    expect(r.round.scopeRegionId).toBe('3701');
    expect(ids).toContain('370116');
    expect(ids).toContain('370176');
  });

  it('learns a zone the gazetteer does not list and the city’s departments under the issuer, marked as such', () => {
    expect(learned('3701/起步区')).toMatchObject({ parent: '3701', kind: 'special-zone', learned: true });
    expect(learned('3701/市直部门')).toMatchObject({
      parent: '3701',
      kind: 'provincial-depts',
      learned: true,
    });
  });

  it('never takes a name several prefectures share (鼓楼区) from another province: it is learned under the issuer', () => {
    expect(ids).not.toContain('350102');
    expect(learned('3701/鼓楼区')).toMatchObject({ parent: '3701', learned: true });
  });

  it('finds an issuer by its former name (襄樊市 → 襄阳市)', () => {
    const x = parse(
      lines(
        '襄樊市人民政府办公室关于2020年第一季度全市政府网站检查情况的通报',
        '一、总体情况',
        '本次检查政府网站10个,不合格1个。',
      ),
    );
    expect(x.round.scopeRegionId).toBe('4206');
  });
});

describe('a name several places share, in a table of the issuer’s own regions', () => {
  const table = (issuer: string, rows: string[]) =>
    lines(
      `${issuer}人民政府办公室关于2023年第二季度全市政府网站检查情况的通报`,
      '附件1',
      '2023年第二季度政府网站检查情况表',
      '地区',
      '运行网站总数',
      '检查网站数',
      '不合格网站数',
      ...rows.flatMap((name) => [name, '2', '2', '0']),
      '合计',
      String(2 * rows.length),
      String(2 * rows.length),
      '0',
    );

  it('resolves 城关区 by the issuer: 兰州 → 620102, 拉萨 → 540102', () => {
    expect(parse(table('兰州市', ['城关区', '七里河区'])).tallies.map((t) => t.regionId)).toContain('620102');
    expect(parse(table('拉萨市', ['城关区', '堆龙德庆区'])).tallies.map((t) => t.regionId)).toContain(
      '540102',
    );
  });

  it('resolves 鼓楼区 by the issuer: 南京 → 320106, 福州 → 350102', () => {
    expect(parse(table('南京市', ['鼓楼区', '玄武区'])).tallies.map((t) => t.regionId)).toContain('320106');
    expect(parse(table('福州市', ['鼓楼区', '台江区'])).tallies.map((t) => t.regionId)).toContain('350102');
  });

  it('keeps a county-level city (福清市) as the county-level unit under its prefecture', () => {
    const r = parse(table('福州市', ['福清市', '长乐区']));
    expect(r.tallies.map((t) => t.regionId)).toContain('350181');
  });
});
