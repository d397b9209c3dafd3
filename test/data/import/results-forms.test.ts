import { describe, expect, it } from 'vitest';
import { Dataset } from '../../../data/dataset.ts';
import { parseNotice } from '../../../data/import/notice.ts';
import { fujianRegions } from '../../../data/reference/fujian.ts';
import { SCHEMA_VERSION } from '../../../data/schema.ts';

/**
 * Results as real notices state them in sentences, each on a short made-up text in the form the
 * corpus (test/fixtures/notices) found it: rates per region, names praised or criticised.
 */
const AT = new Date('2026-12-01T09:00:00+08:00');
const fresh = () =>
  new Dataset({ version: SCHEMA_VERSION, regions: fujianRegions(), units: [], sites: [], accounts: [] }, []);
const parse = (...lines: string[]) => parseNotice({ text: lines.join('\n'), file: 'notice.txt' }, fresh(), AT).report;
type Report = ReturnType<typeof parse>;
const own = (r: Report, channel: 'website' | 'newmedia') =>
  r.tallies.find((t) => t.channel === channel && t.regionId === r.round.scopeRegionId);
/** Rows other than the scope's, as `regionId channel rate`. */
const regionRows = (r: Report) =>
  r.tallies
    .filter((t) => t.regionId !== r.round.scopeRegionId)
    .map((t) => `${t.regionId} ${t.channel} ${t.rate?.value ?? '-'}`);
const mentioned = (r: Report, kind: 'praised' | 'criticised') =>
  r.mentions.filter((m) => m.kind === kind).map((m) => m.name);

describe('rates per region in prose', () => {
  it('reads short region names before 等N个地级以上市合格率均达100% as one row each, beside the overall rate', () => {
    const r = parse(
      '广东省人民政府办公厅关于2024年第三季度全省政府网站检查情况的通报',
      '一、总体情况',
      '经对全省在运行的511家政府网站进行全覆盖检查,总体合格率为99.22%,广州、深圳、揭阳等3个地级以上市合格率均达100%。',
    );
    expect(own(r, 'website')).toMatchObject({ total: 511, checked: 511, rate: { value: 99.22 } });
    expect(regionRows(r)).toEqual(['4401 website 100', '4403 website 100', '4452 website 100']);
  });

  it('reads N个市(地)网站 and N个市账号 lists for their own channel, never as the overall rate', () => {
    const r = parse(
      '黑龙江省人民政府办公厅关于2024年第二季度全省政府网站和政务新媒体检查情况的通报',
      '一、检查总体情况',
      '(一)全省政府网站检查情况。',
      '省政府办公厅对全省正常运行的212家政府网站进行了全覆盖检查,总体合格率为93.40%。其中,哈尔滨市、大兴安岭地区2个市(地)网站合格率达100%。',
      '(二)全省政务新媒体检查情况。',
      '省政府办公厅对全省正常运行的2153个政务新媒体进行了全覆盖检查,总体合格率98.75%。其中哈尔滨市、黑河市2个市账号合格率达100%。',
    );
    expect(own(r, 'website')?.rate?.value).toBe(93.4);
    expect(own(r, 'newmedia')?.rate?.value).toBe(98.75);
    expect(regionRows(r)).toEqual([
      '2301 website 100',
      '2327 website 100',
      '2301 newmedia 100',
      '2311 newmedia 100',
    ]);
  });

  it('reads a list of short names whose channel the paragraph gives (襄阳、黄石抽查合格率100%)', () => {
    const r = parse(
      '湖北省人民政府办公厅关于2021年第二季度全省政务新媒体抽查情况的通报',
      '(二)政务新媒体。',
      '抽查了全省1404家政务新媒体,发现不合格政务新媒体66家,合格率95.30%。襄阳、黄石抽查合格率100%。',
    );
    expect(regionRows(r)).toEqual(['4206 newmedia 100', '4202 newmedia 100']);
  });

  it('takes no region from 其他市州 (the rest) or from 除…外', () => {
    const r = parse(
      '湖北省人民政府办公厅关于2021年第二季度全省政府网站抽查情况的通报',
      '对全省运行中的612家政府网站进行全覆盖检查,发现不合格网站6家,合格率为99.02%。除十堰、荆州外,其他市州合格率均为100%。',
    );
    expect(regionRows(r)).toEqual([]);
    expect(own(r, 'website')).toMatchObject({ total: 612, failed: 6 });
  });
});

describe('names praised or criticised in prose', () => {
  it('keeps units whose sites had few problems (发现问题较少) as praised mentions, never failures', () => {
    const r = parse(
      '淮南市人民政府办公室关于2022年6月全市政府网站检查情况的通报',
      '一、总体情况',
      '检查政府网站51个,合格网站50个,合格率98.04%。市公安局、市林业局、信用淮南、寿县人民政府在本次检查中发现问题较少。',
    );
    expect(mentioned(r, 'praised')).toEqual(['市公安局', '市林业局', '信用淮南', '寿县人民政府']);
    expect(r.failures).toEqual([]);
    expect(own(r, 'website')).toMatchObject({ checked: 51, failed: 1, derived: ['failed'] });
  });

  it('keeps sites praised (A、B网站表现较好，予以表扬) as praised units while 其中1个网站不合格 stays a count', () => {
    const r = parse(
      '淮南市人民政府办公室关于2022年6月全市政府网站检查情况的通报',
      '检查政府网站51个,合格网站50个。市公安局、市林业局网站表现较好,予以表扬。其中1个网站不合格。',
    );
    expect(mentioned(r, 'praised')).toEqual(['市公安局', '市林业局']);
    expect(r.failures).toEqual([]);
    expect(own(r, 'website')).toMatchObject({ checked: 51, failed: 1 });
  });

  it('keeps departments listed for high scores (等N个省直部门网站得分90分以上) and …较好的有 lists as praised', () => {
    const r = parse(
      '甘肃省人民政府办公厅关于2021年第二季度全省政务新媒体抽查情况的通报',
      '二季度共抽查检查政务新媒体账号591个,抽查检查发现不合格政务新媒体账号25个,总体合格率95.77%。其中,市州抽查情况较好的有酒泉市、武威市。省农业农村厅、省司法厅等2个省直部门网站得分90分以上(含)。',
    );
    expect(mentioned(r, 'praised')).toEqual(['酒泉市', '武威市', '省农业农村厅', '省司法厅']);
    expect(r.failures).toEqual([]);
  });

  it('keeps sites a problems section criticises (X网站首页…, X、Y等网站存在…) as criticised mentions', () => {
    const r = parse(
      '海南省人民政府办公厅关于2023年第三季度政府网站抽查情况的通报',
      '一、总体情况',
      '对全省正在运行的122个政府网站进行抽查,发现存在突出问题的政府网站4个,抽查合格率96.7%。',
      '二、检查发现的主要问题',
      '(一)个别政府网站内容建设有待加强。澄迈县人民政府网站首页的“利企服务”栏目缺乏有效维护。省水务厅网站的“征集调查”栏目一直未更新。',
      '(二)部分网站日常运维保障工作不到位,宜昌市民族宗教事务委员会、宜昌市卫生健康委员会等网站存在少量栏目更新不及时情况。',
    );
    expect(mentioned(r, 'criticised')).toEqual([
      '澄迈县人民政府网站',
      '省水务厅网站',
      '宜昌市民族宗教事务委员会',
      '宜昌市卫生健康委员会',
    ]);
    expect(r.failures).toEqual([]);
    expect(own(r, 'website')).toMatchObject({ checked: 122, failed: 4 });
  });

  it('keeps the units a 典型做法 section names, one per sentence, as praised', () => {
    const r = parse(
      '北京市政务服务管理局关于2022年第四季度全市政府网站检查情况的通报',
      '一、检查情况',
      '对16个区政府门户网站和58个市级部门政府网站进行了全覆盖检查,未发现不合格网站。',
      '(二)典型做法',
      '市交通委针对应用场景将政务服务事项进行分类梳理。西城区推出“服务港”系统。',
    );
    expect(mentioned(r, 'praised')).toEqual(['市交通委', '西城区']);
  });

  it('gives the 网站 after the last of a praised list to every name (高碑店市、蠡县网站运行管理情况较好)', () => {
    const r = parse(
      '保定市人民政府办公室关于2023年第一季度全市政府网站检查情况的通报',
      '全市政府网站检查覆盖率100%。总体上,市发改委、市场监督管理局,高碑店市、蠡县网站运行管理情况较好。',
    );
    expect(mentioned(r, 'praised')).toEqual(['市发改委', '市场监督管理局', '高碑店市', '蠡县']);
  });

  it('takes the names a clause declares 不合格 as failures, not mentions, and the office running the check as neither', () => {
    const r = parse(
      '钦州市人民政府办公室关于2021年第三季度全市政府网站检查情况的通报',
      '截至9月26日,钦州市在全国政府网站信息报送系统中登记运行政府网站33家,合格率为93.94%。不合格的网站有浦北县人民政府门户网站、钦州市市场监督管理局网站。',
    );
    expect(r.failures.map((f) => f.subject)).toEqual(['浦北县人民政府门户网站', '钦州市市场监督管理局网站']);
    expect(r.mentions).toEqual([]);
  });
});

describe('counts in prose', () => {
  it('reads the sample, not the register, when 列入全国普查工作的 names the running sites (736 running, 500 checked)', () => {
    const r = parse(
      '浙江省人民政府办公厅关于2018年第三季度全省政府网站抽查情况的通报',
      '一、总体情况',
      '截至目前,我省列入全国普查工作的正常运行政府网站共计736个。本次共抽查了全省500个政府网站,占网站总数的67.9%,合格率99%。抽查发现不合格网站5个。',
    );
    expect(own(r, 'website')).toMatchObject({ total: 736, checked: 500, failed: 5, rate: { value: 99 } });
  });

  it('sums parts checked in full (16个区…和58个市级部门…网站(包括专项网站)进行了全覆盖检查) and skips a breakdown in brackets', () => {
    const r = parse(
      '北京市政务服务管理局关于2022年第四季度全市政府网站与政府系统政务新媒体检查情况的通报',
      '1.政府网站。对16个区政府门户网站和58个市级部门政府网站(包括专项网站)进行了全覆盖检查,未发现不合格网站。',
      '2.政府系统政务新媒体。对全市政府系统1699个政务新媒体(其中微信公众号868个、新浪微博271个)进行了全覆盖检查。',
    );
    expect(own(r, 'website')).toMatchObject({ total: 74, checked: 74, failed: 0 });
    expect(own(r, 'newmedia')).toMatchObject({ total: 1699, checked: 1699 });
  });

  it('reads 经对…N个政务新媒体进行…指标检查 as N checked, and 1061个…中的173个 as a sample of 173', () => {
    const a = parse(
      '广东省人民政府办公厅关于2024年第三季度全省政务新媒体检查情况的通报',
      '经对全省正常运行的2881个政务新媒体进行安全问题、内容更新、互动回应三项“单项否决”指标检查,总体合格率达99.79%。',
    );
    expect(own(a, 'newmedia')).toMatchObject({ total: 2881, checked: 2881 });
    const b = parse(
      '海南省人民政府办公厅关于2023年第三季度政务新媒体抽查情况的通报',
      '对全省正在运行的1061个政务新媒体中的173个进行了抽查,抽查比例为16.3%,发现存在突出问题的政务新媒体13个,抽查合格率92.5%。',
    );
    expect(own(b, 'newmedia')).toMatchObject({ total: 1061, checked: 173, failed: 13 });
  });

  it('reads 48家政府网站47家合格 as 48 checked of which 47 passed, the failure derived', () => {
    const r = parse('六安市人民政府办公室关于2023年第二季度全市政府网站检查情况的通报', '全市48家政府网站47家合格。');
    expect(own(r, 'website')).toMatchObject({ total: 48, checked: 48, failed: 1, derived: ['failed'] });
  });

  it('reads 检查率为100%,共检查…37个 as full coverage, and 纳入…监管的…293个 checked as the total', () => {
    const a = parse(
      '杨陵区人民政府办公室关于2025年第一季度政务新媒体检查情况的通报',
      '一季度政务新媒体检查率为100%,共检查政务新媒体37个,11个不合格。',
    );
    expect(own(a, 'newmedia')).toMatchObject({ total: 37, checked: 37, failed: 11 });
    const b = parse(
      '咸阳市人民政府办公室关于2025年第一季度政务新媒体检查情况的通报',
      '共检查纳入“全国政务新媒体信息报送系统”监管的政务新媒体293个,其中不合格政务新媒体6个,合格率为97.95%。',
    );
    expect(own(b, 'newmedia')).toMatchObject({ total: 293, checked: 293, failed: 6 });
  });

  it('gives 合格率均为100% after two channels to both, and reads 政务新媒体3个，分别是… as the total', () => {
    const a = parse(
      '临沂市人民政府办公室关于2025年第一季度政府网站和政务新媒体工作情况的通报',
      '经对全市纳入备案管理的55家政府网站和419个政务新媒体全覆盖检查,合格率均为100%。',
    );
    expect(own(a, 'website')).toMatchObject({ total: 55, rate: { value: 100 } });
    expect(own(a, 'newmedia')).toMatchObject({ total: 419, rate: { value: 100 } });
    const b = parse(
      '平城区关于2024年3月政府网站和政务新媒体自查情况的报告',
      '平城区现有政府门户网站1个,运行状态良好。政务新媒体3个,分别是“微笑迎宾”微信公众号、“平城城管”抖音号。',
    );
    expect(own(b, 'newmedia')?.total).toBe(3);
  });

  it('counts the named failures when the rate agrees (33家 at 93.94%, 不合格的网站有A、B), not what 检查发现 found', () => {
    const r = parse(
      '钦州市行政审批局关于2021年第三季度全市政府网站检查情况的函',
      '全市正在运行33家政府网站,合格率为93.94%。不合格的网站有浦北县人民政府门户网站、钦州市市场监督管理局网站。',
      '检查发现32个政府网站出现6374个错别字。',
    );
    expect(own(r, 'website')).toMatchObject({ total: 33, failed: 2, derived: ['failed'] });
    expect(own(r, 'website')?.checked).toBeUndefined();
  });

  it('drops the pinyin a converted copy put inside words (政務(wù)新媒體, 發(fā)現(xiàn))', () => {
    const r = parse(
      '甘肅省人民政府辦公廳關于2021年二季度全省政務(wù)新媒體抽查檢查情況的通報',
      '截至2021年6月30日,全省共有政務(wù)新媒體賬號4935個。二季度共抽查檢查政務(wù)新媒體賬號591個,抽查比例為12%。抽查檢查發(fā)現(xiàn)不合格政務(wù)新媒體賬號25個,總體合格率95.77%。',
    );
    expect(own(r, 'newmedia')).toMatchObject({ total: 4935, checked: 591, failed: 25 });
    expect(r.round.title).toBe('甘肅省人民政府辦公廳關于2021年二季度全省政務新媒體抽查檢查情況的通報');
  });
});

describe('failures named in a list that ends in its verdict', () => {
  it('reads A(最后更新时间…)、B(…)等政务新媒体超过10天未更新，不合格, with the list before the semicolon and the platform before the colon', () => {
    const r = parse(
      '宁陕县2022年第一季度政府网站和政务新媒体检查结果',
      '2.政务新媒体方面:经2月9日自查,“龙王镇人民政府(最后更新时间 1月26日)、宁陕教育(最后更新时间 1月29日) ;超过10天没有更新的微博:宁陕文广旅游(最后更新时间 1月11日)、宁陕人社(最后更新时间 1月19日)等政务新媒体超过10天未更新,不合格。',
    );
    expect(r.failures.map((f) => [f.channel, f.subject, f.platform ?? '', f.problem])).toEqual([
      ['newmedia', '龙王镇人民政府', '', '超过10天未更新'],
      ['newmedia', '宁陕教育', '', '超过10天未更新'],
      ['newmedia', '宁陕文广旅游', '微博', '超过10天未更新'],
      ['newmedia', '宁陕人社', '微博', '超过10天未更新'],
    ]);
    expect(own(r, 'newmedia')).toMatchObject({ failed: 4, derived: ['failed'] });
    expect(r.mentions).toEqual([]);
  });

  it('takes no failure from a list whose sentence gives no verdict', () => {
    const r = parse(
      '宁陕县2022年第一季度政府网站和政务新媒体检查结果',
      '共检查政务新媒体10个。经自查,龙王镇人民政府(最后更新时间 1月26日)、宁陕教育(最后更新时间 1月29日)等政务新媒体更新较慢,已提醒。',
    );
    expect(r.failures).toEqual([]);
  });
});

describe('names criticised in prose, more forms', () => {
  it('keeps units losing points for a column (A局重点领域信息-养老服务、B苏木-最新公开…扣分) as criticised mentions', () => {
    const r = parse(
      '新巴尔虎左旗政务公开领导小组办公室关于2024年第四季度政府网站和政务新媒体的通报',
      '在第四季度网站监测问题清单中,新巴尔虎左旗民政和退役军人事务局重点领域信息-养老服务、新巴尔虎左旗罕达盖苏木-最新公开栏目应更新未更新,共计扣分2分;新巴尔虎左旗卫生健康委员会-政府信息公开年报栏目无信息更新,扣分1分。',
    );
    expect(mentioned(r, 'criticised')).toEqual([
      '新巴尔虎左旗民政和退役军人事务局',
      '新巴尔虎左旗罕达盖苏木',
      '新巴尔虎左旗卫生健康委员会',
    ]);
    expect(r.failures).toEqual([]);
  });

  it('ends a list of sites at the first words about them (A网站、B网站分别存在X、Y等问题), and reads a site after 如', () => {
    const r = parse(
      '青海省人民政府办公厅关于2020年第三季度全省政府网站检查情况的通报',
      '二、主要问题',
      '海北州财政局网站、河南县政府网站分别存在未提供网上有效咨询建言渠道、办事指南重点要素缺失等问题。',
      '检查发现32个政府网站出现错别字,如钦州市人民政府门户网站出现“倍受青睐”、“拔款”等。',
    );
    expect(mentioned(r, 'criticised')).toEqual(['海北州财政局网站', '河南县政府网站', '钦州市人民政府门户网站']);
  });

  it('reads an account named after its unit (省司法厅“福建司法”、清流县文体和旅游局“清流文旅”) as criticised', () => {
    const r = parse(
      '福建省人民政府办公厅关于2022年第一季度全省政府网站与政务新媒体检查情况的通报',
      '二、存在问题',
      '部分政府网站、政务新媒体信息审核把关不够严,存在表述错误。如:厦门市统计局网站、泉州市文化广电和旅游局网站等网站以及省司法厅“福建司法”、清流县文体和旅游局“清流文旅”等政务新媒体。',
    );
    expect(mentioned(r, 'criticised')).toEqual(
      expect.arrayContaining(['厦门市统计局网站', '泉州市文化广电和旅游局网站', '福建司法', '清流文旅']),
    );
    expect(mentioned(r, 'criticised')).not.toContain('泉州市文化广电');
    expect(r.failures).toEqual([]);
  });
});

describe('units criticised alone', () => {
  it('keeps a unit given as an example (…如市应急管理局) and one a problems section opens a sentence with', () => {
    const r = parse(
      '吴忠市人民政府办公室关于2025年第一季度全市政府网站和政务新媒体检查情况的通报',
      '一、总体情况',
      '经对全市纳入备案管理的6家政府网站全覆盖检查,未发现不合格网站。经复查,个别单位未反馈整治情况,如市应急管理局。',
      '二、存在的问题',
      '(一)政府网站栏目运维能力仍有不足。市司法局未将征求意见公告与征求意见结果反馈关联,市住建局办理“领导信箱网民留言”转办件答复内容答非所问。',
    );
    expect(mentioned(r, 'criticised')).toEqual(['市应急管理局', '市司法局', '市住建局']);
  });

  it('names no unit praised or criticised when the sentence only says nothing was found (…网站未发现单项否决问题)', () => {
    const r = parse(
      '云霄县人民政府办公室关于2023年第二季度政府网站检查情况的通报',
      '一、总体情况',
      '本次检查政府网站1个,漳州市云霄县人民政府网站未发现安全与泄密事故、站点无法访问等“单项否决”问题。',
    );
    expect(r.mentions).toEqual([]);
  });

  it('reads quoted accounts written side by side (“A”“B”微博半年未更新) with their platform', () => {
    const r = parse(
      '吴忠市人民政府办公室关于2025年第一季度全市政务新媒体检查情况的通报',
      '(二)政务新媒体运维管理还有疏漏。一是内容更新不及时,“吴忠市利通区市场监管分局”“问政青铜峡”微博半年未更新。',
    );
    expect(mentioned(r, 'criticised')).toEqual(['吴忠市利通区市场监管分局', '问政青铜峡']);
  });
});

describe('the period given by the operator', () => {
  const text = ['吴忠市人民政府办公室关于一季度全市政府网站检查情况的通报', '一季度全市6家政府网站全覆盖检查,未发现不合格网站。'];
  const withPeriod = (period: string) =>
    parseNotice({ text: text.join('\n'), file: 'notice.txt', period }, fresh(), AT).report;

  it('supplies the round a text gives no year for, in any of the forms people write it', () => {
    expect(withPeriod('2025Q1').round.period).toBe('2025Q1');
    expect(withPeriod('2025年第一季度').round.period).toBe('2025Q1');
    expect(withPeriod('2025h2').round.period).toBe('2025H2');
    expect(withPeriod('2025-03').round.period).toBe('2025-03');
    expect(withPeriod('2025Q1').notes).toContain('检查期次按 --period 指定为 2025Q1。');
  });

  it('refuses a value that is no period, saying which forms it takes', () => {
    expect(() => withPeriod('2025-13')).toThrow(/--period “2025-13”不是可识别的检查期次/);
    expect(() => parse(...text)).toThrow(/没有找到检查期次.*--period/);
  });
});

describe('what each named failure did wrong, stated apart from the list', () => {
  it('gives a listed failure the problem of the sub-heading it is named under, and the platform written there', () => {
    const r = parse(
      '宝鸡市人民政府办公室关于2024年第三季度全市政府系统政务新媒体检查情况的通报',
      '一、总体情况',
      '三季度,共抽查政务新媒体账号120个,其中合格118个,不合格2个,合格率为98.33%。不合格政务新媒体分别为:宝鸡市信访局“宝鸡信访”、陇县公安局“陇县公安”微信订阅号。',
      '二、发现的主要问题',
      '(一)监测时间点前2周内无更新。宝鸡市信访局“宝鸡信访”微信订阅号监测时间点前2周内无更新。',
      '(二)存在商业广告。陇县公安局“陇县公安”微信订阅号存在商业广告信息。',
    );
    expect(r.failures.map((f) => [f.subject, f.platform ?? '', f.problem])).toEqual([
      ['宝鸡信访', '微信公众号', '监测时间点前2周内无更新'],
      ['陇县公安', '微信公众号', '存在商业广告'],
    ]);
    expect(r.mentions).toEqual([]);
  });

  it('reads a reason after N个不合格： that opens with a quoted account as that account’s failure', () => {
    const r = parse(
      '杨陵区人民政府办公室关于2025年第一季度政务新媒体检查情况的通报',
      '一季度政务新媒体检查率为100%,共检查政务新媒体37个,11个不合格:部分单位未按时更新;“杨陵文旅”微信视频号未按照上级主管部门要求完成注销工作。',
    );
    expect(r.failures.map((f) => [f.channel, f.subject, f.platform, f.problem])).toEqual([
      ['newmedia', '杨陵文旅', '视频号', '未按照上级主管部门要求完成注销工作'],
    ]);
    expect(own(r, 'newmedia')).toMatchObject({ checked: 37, failed: 11 });
  });
});
