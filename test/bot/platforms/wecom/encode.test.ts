import { describe, expect, it } from 'vitest';
import { reply } from '../../../../handlers/reply.ts';
import {
  escapeWecom,
  fitBytes,
  MARKDOWN_MAX_BYTES,
  STREAM_MAX_BYTES,
  TEXT_MAX_BYTES,
  toMarkdown,
  toStream,
  toText,
} from '../../../../bot/platforms/wecom/encode.ts';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const zhang = { name: '张三', wecomUserId: 'zhangsan', mobile: '13800000001' };
const li = { name: '李四', mobile: '13800000002' };

describe('wecom.toMarkdown()', () => {
  it('renders the title in bold, the lines, and <@userid> mentions', () => {
    const r = reply('福州市 合格率', ['网站 39/39', '', '新媒体 303/303'], [zhang]);
    expect(toMarkdown(r)).toEqual({
      msgtype: 'markdown',
      markdown: { content: '**福州市 合格率**\n网站 39/39\n\n新媒体 303/303\n<@zhangsan>' },
    });
  });

  it('names a contact known only by mobile, since markdown cannot @ a mobile', () => {
    expect(toMarkdown(reply('t', [], [li])).markdown.content).toBe('**t**\n@李四');
  });

  it('cuts a long reply to 4096 UTF-8 bytes and keeps the mentions', () => {
    const r = reply(
      '标题',
      Array.from({ length: 400 }, (_, i) => `第${i}行：福州市鼓楼区政府网站`),
      [zhang],
    );
    const content = toMarkdown(r).markdown.content;
    expect(bytes(content)).toBeLessThanOrEqual(MARKDOWN_MAX_BYTES);
    expect(content).toContain('已截断');
    expect(content.endsWith('<@zhangsan>')).toBe(true);
  });
});

describe('wecom.toText()', () => {
  it('lists userids in mentioned_list and mobile-only contacts in mentioned_mobile_list', () => {
    expect(toText(reply('t', ['a'], [zhang, li, zhang])).text).toEqual({
      content: 't\na',
      mentioned_list: ['zhangsan'],
      mentioned_mobile_list: ['13800000002'],
    });
  });

  it('leaves out empty mention lists', () => {
    expect(toText(reply('t')).text).toEqual({ content: 't' });
  });

  it('cuts content to 2048 UTF-8 bytes', () => {
    const content = toText(reply('标题', ['检'.repeat(3000)])).text.content;
    expect(bytes(content)).toBeLessThanOrEqual(TEXT_MAX_BYTES);
    expect(bytes(content)).toBeGreaterThan(TEXT_MAX_BYTES - 40);
  });
});

describe('wecom.toStream()', () => {
  it('is one finished stream message with the markdown content', () => {
    expect(toStream(reply('t', ['x'], [zhang]), 'sid')).toEqual({
      msgtype: 'stream',
      stream: { id: 'sid', finish: true, content: '**t**\nx\n<@zhangsan>' },
    });
  });

  it('stays within 20480 bytes', () => {
    expect(bytes(toStream(reply('t', ['福'.repeat(9000)]), 's').stream.content)).toBeLessThanOrEqual(
      STREAM_MAX_BYTES,
    );
  });
});

describe('wecom.fitBytes()', () => {
  it('returns text that fits unchanged', () => {
    expect(fitBytes('福州', 6)).toBe('福州');
  });

  it('never splits a multi-byte character', () => {
    const out = fitBytes('福'.repeat(100), 64);
    expect(bytes(out)).toBeLessThanOrEqual(64);
    expect(out).not.toContain('\uFFFD');
    expect(Buffer.from(out, 'utf8').toString('utf8')).toBe(out);
  });
});

describe('wecom.escapeWecom()', () => {
  it.each([
    ['a link', '[点我](http://evil.example/x)', '［点我］(http：//evil.example/x)'],
    ['a mention', '<@zhangsan> <@all>', '＜＠zhangsan＞ ＜＠all＞'],
    ['a coloured font', '<font color="warning">红</font>', '＜font color="warning"＞红＜/font＞'],
    ['a heading on the next line', '福州\n## 标题', '福州 ＃＃ 标题'],
    ['bold', '**假标题**', '＊＊假标题＊＊'],
    ['code', '`rm -rf`', '｀rm -rf｀'],
  ])('makes %s inert', (_what, input, expected) => {
    expect(escapeWecom(input)).toBe(expected);
  });
});

describe('wecom.toMarkdown() with hostile text', () => {
  it('escapes the title and every line, but not its own bold and mentions', () => {
    const content = toMarkdown(reply('**x** [y](http://a)', ['<@all>'], [zhang])).markdown.content;
    expect(content).toBe('**＊＊x＊＊ ［y］(http：//a)**\n＜＠all＞\n<@zhangsan>');
  });

  it('keeps a reply echoing a 58 KB region name within 4,096 bytes', () => {
    const name = '福'.repeat(19_800);
    const content = toMarkdown(reply(`未知地区“${name}”`, [name], [zhang])).markdown.content;
    expect(bytes(content)).toBeLessThanOrEqual(MARKDOWN_MAX_BYTES);
    expect(content.endsWith('<@zhangsan>')).toBe(true);
  });

  it('never mentions a userid that is not one, nor @all in mentioned_list', () => {
    const r = reply('t', [], [{ wecomUserId: 'x><@all' }, { wecomUserId: '@all' }, { mobile: '@all' }]);
    expect(toMarkdown(r).markdown.content).not.toMatch(/<@/);
    expect(toText(r).text).toEqual({ content: 't' });
  });
});
