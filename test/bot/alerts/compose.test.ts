import axios from 'axios';
import { describe, expect, it } from 'vitest';
import { composeAlerts, failureKey } from '../../../bot/alerts/compose.ts';
import type { Scope } from '../../../bot/alerts/subscriptions.ts';
import type { Group } from '../../../bot/groups.ts';
import { fitsPusher } from '../../../bot/outbox/digest.ts';
import { createWecomPusher } from '../../../bot/platforms/wecom/index.ts';
import type { Dataset } from '../../../data/dataset.ts';
import type { Unit } from '../../../data/schema.ts';
import { dataset, dingtalkGroup, failure, roundFile, wecomGroup } from '../../support/alert-world.ts';

const fits = fitsPusher(
  createWecomPusher({ config: { WECOM_API_BASE: 'http://127.0.0.1:9' } as never, http: axios.create() }),
);

/** The shipped Fujian 2020Q1 failures. */
const jiaoyu = failure('福建省教育厅', '35-sz');
const minzheng = failure('福建省民政厅', '35-sz');
const pingtan = failure('平潭政务', '35-pt', {
  channel: 'newmedia',
  platform: '微信公众号',
  unitName: '平潭综合实验区管委会',
  problem: '内容不更新（单项否决）',
  problemCode: 'M_STALE',
});
const q1 = roundFile('2020Q1', [jiaoyu, minzheng, pingtan]);

const units: Unit[] = [
  {
    id: 'u-jy',
    name: '福建省教育厅',
    aliases: [],
    contacts: [{ name: '陈老师', wecomUserId: 'chen', dingtalkUserId: 'dd-chen' }, { name: '只有名字' }],
  },
];

function compose(data: Dataset, group: Group, scope: Scope, known: (k: string) => boolean = () => false) {
  return composeAlerts({ data, view: data.rounds.at(-1)!, group, scope, fits, known });
}
const linesOf = (msgs: ReturnType<typeof compose>) => msgs.flatMap((m) => [m.reply.title, ...m.reply.lines]);

describe('alerts.composeAlerts()', () => {
  it('gives a province group every failure with unit, problem, veto marker and platform', () => {
    const [msg, ...rest] = compose(dataset([q1]), wecomGroup('sheng', []), { regions: ['35'], units: [] });
    expect(rest).toEqual([]);
    expect(msg!.reply.title).toBe('【检查结果】2020年第一季度本群关注范围内3项不合格');
    expect(msg!.reply.lines).toEqual([
      '来源：福建省人民政府办公厅；整改情况报送截止2020-04-17',
      '1. 【网站】福建省教育厅：栏目不更新（单项否决）',
      '2. 【网站】福建省民政厅：栏目不更新（单项否决）',
      '3. 【微信公众号】平潭政务：内容不更新（单项否决）（责任单位：平潭综合实验区管委会）',
    ]);
    expect(msg!.items).toEqual([jiaoyu, minzheng, pingtan].map((f) => failureKey('2020Q1@35', f, 'sheng')));
    expect(msg!.key).toMatch(/^alert\|2020Q1@35\|sheng\|[0-9a-f]{12}\|1\/1$/);
  });

  it('gives a 平潭 group only the 平潭 account', () => {
    const msgs = compose(dataset([q1]), wecomGroup('pt', []), { regions: ['35-pt'], units: [] });
    expect(linesOf(msgs).filter((l) => /^\d\./.test(l))).toEqual([
      '1. 【微信公众号】平潭政务：内容不更新（单项否决）（责任单位：平潭综合实验区管委会）',
    ]);
  });

  it('gives a group following a unit that unit only', () => {
    const msgs = compose(dataset([q1]), wecomGroup('mz', []), { regions: [], units: ['福建省民政厅'] });
    expect(linesOf(msgs).filter((l) => /^\d\./.test(l))).toEqual([
      '1. 【网站】福建省民政厅：栏目不更新（单项否决）',
    ]);
  });

  it('@-mentions the unit contacts reachable on the group platform', () => {
    const data = dataset([q1], units);
    const scope = { regions: [], units: ['福建省教育厅'] };
    expect(compose(data, wecomGroup('w', []), scope)[0]!.reply.mentions).toEqual([units[0]!.contacts[0]]);
    expect(compose(data, dingtalkGroup('d', []), scope)[0]!.reply.mentions).toEqual([units[0]!.contacts[0]]);
    const wecomOnly = dataset([q1], [{ ...units[0]!, contacts: [{ name: '企', wecomUserId: 'q' }] }]);
    expect(compose(wecomOnly, dingtalkGroup('d', []), scope)[0]!.reply.mentions).toEqual([]);
  });

  it('leaves out the veto marker for a failure that is not a single veto', () => {
    const scored = failure('某市政府门户网站', '3501', { problem: '得分低于60分', veto: false });
    const msgs = compose(dataset([roundFile('2020Q1', [scored])]), wecomGroup('fz', []), {
      regions: ['3501'],
      units: [],
    });
    expect(linesOf(msgs)).toContain('1. 【网站】某市政府门户网站：得分低于60分');
  });

  it('calls out a failure repeated from the previous rounds', () => {
    const data = dataset([q1, roundFile('2020Q2', [jiaoyu]), roundFile('2020Q3', [jiaoyu, pingtan])]);
    const lines = linesOf(compose(data, wecomGroup('sheng', []), { regions: ['35'], units: [] }));
    expect(lines).toContain('1. 【网站】福建省教育厅：栏目不更新（单项否决）【连续3期不合格】');
    expect(lines).toContain(
      '2. 【微信公众号】平潭政务：内容不更新（单项否决）（责任单位：平潭综合实验区管委会）',
    );
  });

  it('calls out a recovery: failed last round, passed this one', () => {
    const data = dataset([q1, roundFile('2020Q2', [jiaoyu])]);
    const lines = linesOf(compose(data, wecomGroup('sheng', []), { regions: ['35-sz'], units: [] }));
    expect(lines).toContain('1. 【网站】福建省教育厅：栏目不更新（单项否决）【连续2期不合格】');
    expect(lines).toContain('【网站】福建省民政厅：上期不合格，本期已合格');
  });

  it('tells a group whose failures all recovered, without an all-clear', () => {
    const data = dataset([q1, roundFile('2020Q2', [])]);
    const [msg] = compose(data, wecomGroup('pt', [], { allClear: true }), { regions: ['35-pt'], units: [] });
    expect(msg!.reply.title).toBe('【检查结果】2020年第二季度整改情况');
    expect(msg!.reply.lines).toContain('【微信公众号】平潭政务：上期不合格，本期已合格');
  });

  it('never presents a mention (通报批评, 表扬) as a failure', () => {
    const mentioned = roundFile(
      '2020Q1',
      [jiaoyu],
      [
        { kind: 'criticised', name: '福州市退役军人事务局', text: '严重表述不规范' },
        { kind: 'praised', name: '厦门市人民政府', text: '工作突出' },
      ],
    );
    const text = linesOf(
      compose(dataset([mentioned]), wecomGroup('sheng', []), { regions: ['35'], units: [] }),
    ).join('\n');
    expect(text).not.toContain('福州市退役军人事务局');
    expect(text).not.toContain('厦门市人民政府');
    expect(text).toContain('1项不合格');
  });

  it('sends a short all-clear only to a group that wants one and whose scope the round covers', () => {
    const data = dataset([q1]);
    const scope = { regions: ['3501'], units: [] };
    expect(compose(data, wecomGroup('fz', []), scope)).toEqual([]);
    const [msg] = compose(data, wecomGroup('fz', [], { allClear: true }), scope);
    expect(msg).toMatchObject({
      key: 'allclear|2020Q1@35|fz',
      reply: { title: '【检查结果】2020年第一季度本群关注范围内无不合格项' },
    });
    expect(compose(data, wecomGroup('none', [], { allClear: true }), { regions: [], units: [] })).toEqual([]);
  });

  it('says nothing about failures already queued, and only the new ones after a correction', () => {
    const data = dataset([q1]);
    const scope = { regions: ['35'], units: [] };
    const first = compose(data, wecomGroup('sheng', []), scope);
    const known = new Set(first.flatMap((m) => [m.key, ...(m.items ?? [])]));
    expect(compose(data, wecomGroup('sheng', []), scope, (k) => known.has(k))).toEqual([]);
    const corrected = dataset([
      roundFile('2020Q1', [jiaoyu, minzheng, pingtan, failure('福建省财政厅', '35-sz')]),
    ]);
    const again = compose(corrected, wecomGroup('sheng', []), scope, (k) => known.has(k));
    expect(linesOf(again).filter((l) => /^\d\./.test(l))).toEqual([
      '1. 【网站】福建省财政厅：栏目不更新（单项否决）',
    ]);
  });

  it('splits a mass failure into numbered parts, every item once', () => {
    const many = Array.from({ length: 120 }, (_, i) => failure(`福州市第${i + 1}个部门网站`, '350102'));
    const msgs = compose(dataset([roundFile('2020Q1', many)]), wecomGroup('fz', []), {
      regions: ['3501'],
      units: [],
    });
    expect(msgs.length).toBeGreaterThan(1);
    expect(msgs.map((m) => m.reply.title)).toEqual(
      msgs.map((_, k) => `【检查结果】2020年第一季度本群关注范围内120项不合格（${k + 1}/${msgs.length}）`),
    );
    expect(msgs.flatMap((m) => m.items).length).toBe(120);
    expect(new Set(msgs.map((m) => m.key)).size).toBe(msgs.length);
  });
});
