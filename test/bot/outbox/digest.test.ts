import axios from 'axios';
import { describe, expect, it } from 'vitest';
import { type DigestItem, digest, fitsPusher } from '../../../bot/outbox/digest.ts';
import type { Pusher } from '../../../bot/platforms/platform.ts';
import { createWecomPusher } from '../../../bot/platforms/wecom/index.ts';
import { reply } from '../../../handlers/reply.ts';
import { alertText, resentNote } from '../../../handlers/text.ts';

const wecom = createWecomPusher({
  config: { WECOM_API_BASE: 'http://127.0.0.1:9' } as never,
  http: axios.create(),
});
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** One alert item: `n. 【网站】…` with a long-ish Chinese problem and its unit's contact. */
function item(n: number, problemChars = 40): DigestItem {
  return {
    lines: [`${n}. 【网站】第${n}个政府网站：${'栏目长期不更新'.repeat(problemChars / 7)}（单项否决）`],
    mentions: [{ name: `联系人${n}`, wecomUserId: `user${n}` }],
    keys: [`item-${n}`],
  };
}

describe('outbox.digest() with the WeCom markdown renderer (4,096 bytes)', () => {
  const fits = fitsPusher(wecom);
  const parts = digest(
    {
      title: '【检查结果】本群关注范围内200项不合格',
      head: ['来源：福建省人民政府办公厅'],
      items: Array.from({ length: 200 }, (_, i) => item(i + 1)),
    },
    fits,
    alertText.part,
  );
  const rendered = parts.map((p) => wecom.render(p.reply));

  it('keeps every message within the limit, with room for a re-send note', () => {
    for (const p of parts) {
      const withNote = wecom.render({ ...p.reply, lines: [...p.reply.lines, resentNote] });
      expect(withNote.bytes).toBeLessThanOrEqual(4096);
    }
  });

  it('uses no more messages than needed: each part is full enough that the next item would not fit', () => {
    const total = rendered.reduce((sum, r) => sum + r.bytes, 0);
    expect(parts.length).toBeLessThanOrEqual(Math.ceil(total / 4096) + 1);
    for (let k = 0; k < parts.length - 1; k++) {
      const next = parts[k + 1]!.reply;
      const grown = { ...parts[k]!.reply, lines: [...parts[k]!.reply.lines, next.lines[0]!] };
      expect(fits(grown)).toBe(false);
    }
  });

  it('numbers the parts and carries every item exactly once, whole, with its mention', () => {
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.map((p) => p.reply.title)).toEqual(
      parts.map((_, k) => `【检查结果】本群关注范围内200项不合格（${k + 1}/${parts.length}）`),
    );
    const keys = parts.flatMap((p) => p.keys);
    expect(keys).toEqual(Array.from({ length: 200 }, (_, i) => `item-${i + 1}`));
    for (const [k, p] of parts.entries()) {
      const content = (rendered[k]!.body as { markdown: { content: string } }).markdown.content;
      for (const key of p.keys) {
        const n = Number(key.slice(5));
        expect(content).toContain(item(n).lines[0]!);
        expect(content).toContain(`<@user${n}>`);
      }
      expect(content).not.toContain('截断');
    }
  });

  it('puts the head in the first part only', () => {
    expect(parts[0]!.reply.lines[0]).toBe('来源：福建省人民政府办公厅');
    expect(parts.slice(1).every((p) => !p.reply.lines.includes('来源：福建省人民政府办公厅'))).toBe(true);
  });
});

describe('outbox.digest()', () => {
  /** A plain-text platform with a tiny limit, so that splits are easy to see. */
  const tiny: Pusher = {
    platform: 'wecom',
    maxBytes: 300,
    render: (r) => {
      const content = [r.title, ...r.lines, ...r.mentions.map((m) => `@${m.name}`)].join('\n');
      return { body: { content }, bytes: bytes(content) };
    },
    send: async () => {},
  };

  it('sends a single message without a part label when everything fits', () => {
    const parts = digest({ title: '标题', head: [], items: [item(1, 7)] }, fitsPusher(tiny), alertText.part);
    expect(parts).toHaveLength(1);
    expect(parts[0]!.reply.title).toBe('标题');
  });

  it('cuts an item too long for any message, keeping its mention whole', () => {
    const long: DigestItem = {
      lines: [`1. ${'很长的问题描述'.repeat(100)}`],
      mentions: [{ name: '张三' }],
      keys: ['k'],
    };
    const [part] = digest({ title: '标题', head: [], items: [long] }, fitsPusher(tiny), alertText.part);
    const r = tiny.render({ ...part!.reply, lines: [...part!.reply.lines, resentNote] });
    expect(r.bytes).toBeLessThanOrEqual(300);
    expect(part!.reply.lines[0]!.endsWith('…')).toBe(true);
    expect(part!.reply.mentions).toEqual([{ name: '张三' }]);
  });

  it('mentions each contact once per message', () => {
    const a = { lines: ['1. a'], mentions: [{ name: '张三', mobile: '1' }] };
    const b = { lines: ['2. b'], mentions: [{ name: '张三', mobile: '1' }] };
    const [part] = digest({ title: 't', head: [], items: [a, b] }, fitsPusher(tiny), alertText.part);
    expect(part!.reply.mentions).toEqual([{ name: '张三', mobile: '1' }]);
  });

  it('gives a foot that no longer fits a part of its own', () => {
    const items = [item(1, 14), item(2, 14)];
    const parts = digest(
      { title: 't', head: [], items, foot: ['尾注'.repeat(40)] },
      fitsPusher(tiny),
      alertText.part,
    );
    expect(parts.at(-1)!.reply.lines).toEqual(['尾注'.repeat(40)]);
  });

  it('still answers one (empty) message for no items', () => {
    expect(digest({ title: 't', head: ['h'], items: [] }, fitsPusher(tiny), alertText.part)).toEqual([
      { reply: reply('t', ['h']), keys: [] },
    ]);
  });
});
