import { describe, expect, it } from 'vitest';
import {
  escapeDingtalk,
  fitJson,
  MAX_BODY_BYTES,
  toAnswer,
  toMarkdown,
  toText,
} from '../../../../bot/platforms/dingtalk/encode.ts';
import { reply } from '../../../../handlers/reply.ts';

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v), 'utf8');
const zhang = { name: '张三', mobile: '13800000001', dingtalkUserId: 'zhangsan' };
const li = { name: '李四', dingtalkUserId: 'lisi' };
const wang = { name: '王五' };

describe('dingtalk.toMarkdown()', () => {
  it('renders a heading, one paragraph per line, and the title as the preview', () => {
    expect(toMarkdown(reply('福州市 合格率', ['网站 39/39', '', '新媒体 303/303']))).toEqual({
      msgtype: 'markdown',
      markdown: { title: '福州市 合格率', text: '#### 福州市 合格率\n\n网站 39/39\n\n新媒体 303/303' },
      at: { isAtAll: false },
    });
  });

  it('@-mentions by mobile in both at.atMobiles and the text, by userId when there is no mobile', () => {
    const m = toMarkdown(reply('t', ['x'], [zhang, li, wang, zhang]));
    expect(m.at).toEqual({ atMobiles: ['13800000001'], atUserIds: ['lisi'], isAtAll: false });
    expect(m.markdown.text).toBe('#### t\n\nx\n\n@13800000001 @lisi @王五');
  });

  it('keeps the whole body within 20,000 bytes and the mentions intact', () => {
    const m = toMarkdown(
      reply(
        '标题',
        Array.from({ length: 3000 }, (_, i) => `第${i}行：福州市鼓楼区政府网站"首页"`),
        [zhang],
      ),
    );
    expect(bytes(m)).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(bytes(m)).toBeGreaterThan(MAX_BODY_BYTES - 100);
    expect(m.markdown.text).toContain('已截断');
    expect(m.markdown.text.endsWith('@13800000001')).toBe(true);
  });
});

describe('dingtalk.toText()', () => {
  it('writes the title line, the lines, then the @mobile words', () => {
    expect(toText(reply('t', ['a', 'b'], [zhang]))).toEqual({
      msgtype: 'text',
      text: { content: 't\na\nb\n@13800000001' },
      at: { atMobiles: ['13800000001'], isAtAll: false },
    });
  });

  it('keeps the whole body within 20,000 bytes', () => {
    expect(bytes(toText(reply('t', ['\n'.repeat(30_000)])))).toBeLessThanOrEqual(MAX_BODY_BYTES);
  });
});

describe('dingtalk.toAnswer()', () => {
  it('@-mentions the asker by userId', () => {
    const m = toAnswer(reply('福州', ['x']), {
      platform: 'dingtalk',
      dingtalkUserId: 'manager7675',
      name: '张三',
    });
    expect(m.at).toEqual({ atUserIds: ['manager7675'], isAtAll: false });
    expect(m.markdown.text.endsWith('@manager7675')).toBe(true);
  });

  it('does not mention the asker twice, nor one without a userId', () => {
    const asker = { platform: 'dingtalk' as const, dingtalkUserId: 'lisi' };
    expect(toAnswer(reply('t', [], [li]), asker).markdown.text).toBe('#### t\n\n@lisi');
    expect(toAnswer(reply('t'), { platform: 'dingtalk' }).at).toEqual({ isAtAll: false });
  });
});

describe('dingtalk.fitJson()', () => {
  it('returns text that fits unchanged', () => {
    expect(fitJson('福州', 6)).toBe('福州');
  });

  it('counts JSON escapes and never splits a character', () => {
    const out = fitJson('福\n'.repeat(100), 64);
    expect(Buffer.byteLength(JSON.stringify(out)) - 2).toBeLessThanOrEqual(64);
    expect(out).not.toContain('\uFFFD');
  });
});

describe('dingtalk.escapeDingtalk()', () => {
  it.each([
    ['a link', '[点我](http://evil.example/x)', '［点我］(http：//evil.example/x)'],
    ['an image', '![](http://evil.example/p.png)', '!［］(http：//evil.example/p.png)'],
    ['a heading', '# 紧急通知', '＃ 紧急通知'],
    ['a quote', '> 引用', '＞ 引用'],
    ['a mention of everyone', '@all 请注意 @13800000000', '＠all 请注意 ＠13800000000'],
    ['HTML', '<font color=red>红</font>', '＜font color=red＞红＜/font＞'],
    ['a line break that opens a heading', '福州\n# 标题', '福州 ＃ 标题'],
    ['a setext underline', '===', '＝=='],
    ['a bare URL', 'https://evil.example', 'https：//evil.example'],
  ])('makes %s inert', (_what, input, expected) => {
    expect(escapeDingtalk(input)).toBe(expected);
  });

  it('leaves ordinary Chinese text and figures alone', () => {
    const line = '福州市人民政府(门户网站)：合格率99.54%，不合格1个；“连续2期不合格”';
    expect(escapeDingtalk(line)).toBe(line);
  });
});

describe('dingtalk.toMarkdown() with hostile text', () => {
  it('escapes the title and every line, but not its own heading and mentions', () => {
    const m = toMarkdown(reply('未知地区“[x](http://a)”', ['# 标题', '<@all>'], [{ mobile: '13800000001' }]));
    expect(m.markdown.title).toBe('未知地区“［x］(http：//a)”');
    expect(m.markdown.text).toBe('#### 未知地区“［x］(http：//a)”\n\n＃ 标题\n\n＜＠all＞\n\n@13800000001');
  });

  it('keeps a reply echoing a 58 KB region name within 20,000 bytes, title included', () => {
    const name = '福'.repeat(19_800); // 59,400 bytes
    const m = toMarkdown(reply(`未知地区“${name}”`, [`未知地区“${name}”：请检查名称`], [zhang]));
    expect(Buffer.byteLength(JSON.stringify(m))).toBeLessThanOrEqual(20_000);
    expect(Buffer.byteLength(m.markdown.title)).toBeLessThanOrEqual(256);
    expect(m.markdown.text.endsWith('@13800000001')).toBe(true);
  });

  it('never @-mentions a contact id that is not a plain mobile or userId', () => {
    const m = toMarkdown(reply('t', [], [{ dingtalkUserId: 'x\n#### 伪造' }, { name: 'all' }]));
    expect(m.at).toEqual({ isAtAll: false });
    expect(m.markdown.text).not.toContain('@all');
  });

  it('lists mentions up to half the message and counts the rest', () => {
    const many = Array.from({ length: 2000 }, (_, i) => ({ mobile: `1380000${String(i).padStart(4, '0')}` }));
    const m = toMarkdown(reply('t', ['x'], many));
    expect(Buffer.byteLength(JSON.stringify(m))).toBeLessThanOrEqual(20_000);
    expect(m.markdown.text).toMatch(/等另外\d+人$/);
  });
});
