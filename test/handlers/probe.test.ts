import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Subscriptions } from '../../bot/alerts/subscriptions.ts';
import { makeGroups } from '../../bot/groups.ts';
import { silentLogger } from '../../bot/logger.ts';
import { answer } from '../../bot/pipeline.ts';
import { FileProbeStore } from '../../data/probe/store.ts';
import type { Sender, Services } from '../../handlers/context.ts';
import { replyToText } from '../../handlers/reply.ts';
import { dingtalkGroup, wecomGroup } from '../support/alert-world.ts';
import { reading, registerSites, week } from '../support/probe-world.ts';
import { openSeededStore } from '../support/seeded-store.ts';

const now = new Date('2024-05-15T10:00:00+08:00');
const member: Sender = { platform: 'wecom', name: '张三', wecomUserId: 'zhangsan' };

let world: Awaited<ReturnType<typeof openSeededStore>>;
let probes: FileProbeStore;
let services: Services;
const groups = makeGroups([
  wecomGroup('gl', ['鼓楼区'], { name: '鼓楼区政务公开群' }),
  dingtalkGroup('xm', ['厦门'], { name: '厦门群' }),
]);

async function say(text: string, groupId?: string, over: Partial<Services> = {}): Promise<string> {
  const deps = { store: world.store, log: silentLogger, now: () => now, services: { ...services, ...over } };
  return replyToText(await answer(deps, text, member, groupId));
}

beforeAll(async () => {
  world = await openSeededStore();
  // Twelve more sites in 厦门, all well.
  const more = Array.from({ length: 12 }, (_, i) => ({
    id: `s-xm-${i + 1}`,
    name: `厦门市第${i + 1}局网站`,
    url: `http://j${i + 1}.xm.example.gov.cn/`,
    regionId: '3502',
    kind: 'department' as const,
  }));
  await registerSites(world.store, more);
  probes = FileProbeStore.memory();
  // 福州市人民政府网: 5 failures this week; homepage fresh; one 动态 column at 10 days, a notice
  // column stale, one blank column.
  week(probes, 's-fz', now, 5);
  probes.setReading(
    's-fz',
    reading(now, 2, [
      ['政务动态', 'news', 10],
      ['通知公告', 'notice', 200],
      ['专题专栏', 'other', 'blank'],
    ]),
  );
  week(probes, 's-gl', now, 0);
  probes.setReading('s-gl', reading(now, 13));
  week(probes, 's-tj', now, 0);
  probes.setReading('s-tj', reading(now, 20));
  for (const s of more) {
    week(probes, s.id, now, 0);
    probes.setReading(s.id, reading(now, 0));
  }
  week(probes, 's-xm', now, 0);
  probes.setReading('s-xm', reading(now, 1, [['工作动态', 'news', 3]]));
  services = {
    groups,
    subscriptions: await Subscriptions.open(world.dir, groups),
    probe: { enabled: true, perDay: 24, store: probes },
  };
});
afterAll(() => world.cleanup());

describe('/probe <站点>', () => {
  it("shows each rule's standing with the numbers behind it", async () => {
    expect(await say('/probe 福州市人民政府网')).toBe(
      [
        '站点监测：福州市人民政府网',
        'http://www.fuzhou.example.gov.cn/',
        '主办单位：福州市人民政府办公厅　地区：福州市',
        '站点无法访问：预警。上周（2024-05-08至2024-05-14）尝试168次，失败5次（3.0%，≥5%否决）；本周已失败5次，再失败4次将触发单项否决。',
        '首页不更新：正常（最新信息2024-05-13，已2天未更新；满14天否决）。',
        '栏目不更新：预警（超期的动态/要闻、通知公告/政策文件栏目1个，满5个否决；临近超期1个；各自周期内未更新的栏目共1个，满10个否决）：政务动态已10天未更新，再过4天超期；通知公告已200天未更新（周期183天）；专题专栏为空白栏目。',
        '空白栏目：正常（1个，满5个否决）：专题专栏。',
        '栏目最近读取：2024-05-15 10:00',
      ].join('\n'),
    );
  });

  it("answers a unit's only site in full, by the unit's name or alias, in Chinese or English command words", async () => {
    const full = await say('/probe 福州市人民政府网');
    expect(await say('/probe 福州市人民政府办公厅')).toBe(full);
    expect(await say('监测 福州市政府办')).toBe(full);
  });

  it('says a registered site has not been probed yet', async () => {
    expect(await say('/probe 福州市教育局网站')).toBe(
      '站点监测已开启，但福州市教育局网站尚未探测过：首次探测后再查（首页每天约24次，栏目每天读取一次）。',
    );
  });

  it('suggests sites and regions for a mistyped name', async () => {
    expect(await say('/probe 福州市人民政府王')).toBe(
      '未找到站点、单位或地区“福州市人民政府王”\n您是不是要找：福州市人民政府网、福州市？',
    );
    expect(await say('/probe 福洲')).toBe('未找到站点、单位或地区“福洲”\n您是不是要找：福州市、抚州市（江西省）、福建省？');
  });
});

describe('/probe <地区>', () => {
  it('lists the sites under a region one line each, nearest a veto first, unprobed last', async () => {
    expect(await say('/probe 福州')).toBe(
      [
        '站点监测：福州市（4个网站）',
        '1. 台江区人民政府网【已达否决】首页不更新：已20天未更新，已达单项否决（满14天）',
        '2. 鼓楼区人民政府网【预警】首页不更新：已13天未更新，再过1天将触发单项否决',
        '3. 福州市人民政府网【预警】站点无法访问：本周已失败5次，再失败4次将触发单项否决（另有1项预警）',
        '4. 福州市教育局网站：尚未探测',
      ].join('\n'),
    );
  });

  it('caps a long list with the number left out', async () => {
    const text = await say('/probe 厦门');
    expect(text.split('\n')[0]).toBe('站点监测：厦门市（13个网站）');
    expect(text.split('\n').filter((l) => /^\d+\. /.test(l))).toHaveLength(10);
    expect(text.split('\n').at(-1)).toBe('…另有3个');
  });

  it('names the other places a shared region name could mean', async () => {
    expect(await say('/probe 鼓楼区')).toBe(
      [
        '站点监测：鼓楼区（1个网站）',
        '“鼓楼区”也可能指：鼓楼区（江苏省南京市，320106）、鼓楼区（江苏省徐州市，320302）、鼓楼区（河南省开封市，410204）。',
        '1. 鼓楼区人民政府网【预警】首页不更新：已13天未更新，再过1天将触发单项否决',
      ].join('\n'),
    );
  });

  it('answers a bare /probe outside a group for every registered site', async () => {
    const text = await say('/probe');
    expect(text.split('\n')[0]).toBe('站点监测：全部登记网站（17个网站）');
    expect(text.split('\n')[1]).toBe('1. 台江区人民政府网【已达否决】首页不更新：已20天未更新，已达单项否决（满14天）');
  });

  it("answers a bare /probe for what the group follows", async () => {
    expect(await say('/probe', 'gl')).toBe(
      ['站点监测：鼓楼区政务公开群（1个网站）', '1. 鼓楼区人民政府网【预警】首页不更新：已13天未更新，再过1天将触发单项否决'].join(
        '\n',
      ),
    );
  });
});

describe('/probe without probe data', () => {
  it('says probing is off when PROBE is not on and nothing was ever probed', async () => {
    const off = '站点监测未开启（运维人员在配置中设置 PROBE=on 后，机器人开始按单项否决规则探测登记的网站）。';
    expect(await say('/probe 福州', undefined, { probe: { enabled: false, perDay: 24, store: FileProbeStore.memory() } })).toBe(off);
    expect(await say('/watch 福州', undefined, { probe: undefined })).toBe(off);
  });

  it('says probing has not run yet when it is on and the store is empty', async () => {
    expect(await say('/probe 福州', undefined, { probe: { enabled: true, perDay: 24, store: FileProbeStore.memory() } })).toBe(
      '站点监测已开启，但福州市尚未探测过：首次探测后再查（首页每天约24次，栏目每天读取一次）。',
    );
  });

  it('shows the last data, marked, when probing was turned off since', async () => {
    const text = await say('/probe 鼓楼区人民政府网', undefined, { probe: { enabled: false, perDay: 24, store: probes } });
    expect(text.split('\n').slice(0, 2)).toEqual(['站点监测：鼓楼区人民政府网', '站点监测现已关闭，以下为关闭前最后一次探测的数据。']);
  });

  it('says where sites are registered when a region has none with a homepage', async () => {
    expect(await say('/probe 莆田')).toBe(
      '莆田市没有登记了网址的网站。网站和栏目在网站名册、栏目名册中登记（见 data/templates/README.md）。',
    );
  });
});

describe('/watch [地区]', () => {
  it('ranks the sites nearest a veto in the region, each with its reason in one line', async () => {
    expect(await say('/watch 福州')).toBe(
      [
        '接近单项否决的站点：福州市',
        '1. 台江区人民政府网【已达否决】首页不更新：已20天未更新，已达单项否决（满14天）',
        '2. 鼓楼区人民政府网【预警】首页不更新：已13天未更新，再过1天将触发单项否决',
        '3. 福州市人民政府网【预警】站点无法访问：本周已失败5次，再失败4次将触发单项否决（另有1项预警）',
        '按各规则离否决的远近排序；/probe <站点> 查看详细数字。',
      ].join('\n'),
    );
  });

  it("watches the group's follows when no region is given", async () => {
    expect(await say('预警', 'gl')).toBe(
      [
        '接近单项否决的站点：鼓楼区政务公开群',
        '1. 鼓楼区人民政府网【预警】首页不更新：已13天未更新，再过1天将触发单项否决',
        '按各规则离否决的远近排序；/probe <站点> 查看详细数字。',
      ].join('\n'),
    );
  });

  it('says nothing is near a veto, and names the relatively nearest', async () => {
    expect(await say('/watch', 'xm')).toBe(
      [
        '接近单项否决的站点：厦门群',
        '已探测的13个网站均未接近单项否决。',
        '相对最接近的是：厦门市人民政府网，首页不更新：已1天未更新，再过13天将触发单项否决。',
      ].join('\n'),
    );
  });
});
