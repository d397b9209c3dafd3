import { describe, expect, it } from 'vitest';
import { readListPage } from '../../../data/probe/list-page.ts';

const now = new Date('2024-05-15T09:00:00+08:00');
const shell = (main: string) =>
  `<html><body><div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li><li><a href="/x">2024-05-14 专题</a></li></ul></div>
   <div class="main">${main}</div><div class="footer"><p><a href="/about">关于我们</a> 2024-05-15</p></div></body></html>`;

describe('readListPage()', () => {
  it('finds the newest item date in the list, not in the navigation or footer', () => {
    const p = readListPage(
      shell(`<ul class="list"><li><a href="/a1">福州召开会议</a><span>2024-05-02</span></li>
        <li><a href="/a2">另一条</a><span>2024-04-20</span></li><li><a href="/a3">第三条</a><span>2024-03-01</span></li></ul>`),
      now,
    );
    expect(p).toMatchObject({
      items: 3,
      datedItems: 3,
      newest: '2024-05-02',
      blank: false,
      firstLink: '/a1',
    });
  });
  it('reads table rows and 2024年5月1日', () => {
    const p = readListPage(
      shell(
        '<table><tr><td><a href="/1">通知一</a></td><td>2024年5月1日</td></tr><tr><td><a href="/2">通知二</a></td><td>2023年12月1日</td></tr></table>',
      ),
      now,
    );
    expect(p.newest).toBe('2024-05-01');
  });
  it('infers the year of [MM-DD] items', () => {
    const p = readListPage(
      shell('<ul><li><a href="/1">甲通知</a>[01-03]</li><li><a href="/2">乙通知</a>[12-20]</li></ul>'),
      now,
    );
    expect(p.newest).toBe('2024-01-03');
  });
  it('counts undated items as not updated: items but no date', () => {
    const p = readListPage(
      shell(
        '<ul><li><a href="/1">甲条目</a></li><li><a href="/2">乙条目</a></li><li><a href="/3">丙条目</a></li></ul>',
      ),
      now,
    );
    expect(p).toMatchObject({ items: 3, datedItems: 0, newest: undefined, blank: false, firstLink: '/1' });
  });
  it('calls a page with no items, or only 暂无信息, blank', () => {
    expect(readListPage(shell('<ul></ul>'), now).blank).toBe(true);
    expect(readListPage(shell('<div class="list"><p>暂无信息</p></div>'), now).blank).toBe(true);
    expect(readListPage(shell('<ul><li>暂无信息</li></ul>'), now).blank).toBe(true);
  });
});
