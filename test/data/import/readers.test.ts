import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dataset } from '../../../data/dataset.ts';
import { inspectFile } from '../../../data/import/file-kind.ts';
import { decodeText } from '../../../data/import/files/text.ts';
import { unwrap } from '../../../data/import/files/pdf.ts';
import { htmlText } from '../../../data/import/files/html.ts';
import { parseNotice } from '../../../data/import/notice.ts';
import { type NoticeText, noticeReaders } from '../../../data/import/readers.ts';
import { SEED_NOTICE } from '../../../data/import/seed.ts';
import { fujianRegions } from '../../../data/reference/fujian.ts';
import { SCHEMA_VERSION } from '../../../data/schema.ts';

/** Files made from the shipped notice by real writers (test/fixtures/files/make-notice-files.sh). */
const files = path.resolve(import.meta.dirname, '../../fixtures/files');
const AT = new Date('2026-11-29T08:00:00+08:00');
const fresh = () =>
  new Dataset({ version: SCHEMA_VERSION, regions: fujianRegions(), units: [], sites: [], accounts: [] }, []);

async function read(name: string): Promise<NoticeText> {
  const file = await inspectFile(path.join(files, name));
  const reader = noticeReaders[file.kind];
  if (!reader) throw new Error(`no reader for ${file.kind}`);
  return reader(file);
}

/** What the preview shows, without the source file's own name and hash. */
function understood(src: NoticeText) {
  const { report } = parseNotice({ ...src, file: 'notice' }, fresh(), AT);
  const { source: _source, importedAt: _at, ...round } = report.round;
  return { round, tallies: report.tallies, failures: report.failures.map((f) => [f.subject, f.problem]) };
}

describe('noticeReaders', () => {
  const fromText = understood({ text: readFileSync(SEED_NOTICE, 'utf8'), format: 'txt' });

  it('reads a GBK text file (Notepad’s ANSI on a Chinese Windows) as the UTF-8 one', async () => {
    const src = await read('notice-gbk.txt');
    expect(src.format).toBe('txt');
    expect(understood(src)).toEqual(fromText);
  });

  it('reads a Word document written by LibreOffice into the same round as its text', async () => {
    const src = await read('notice.docx');
    expect(src.format).toBe('docx');
    expect(understood(src)).toEqual(fromText);
  });

  it('reads a PDF’s text layer into the same round, its spaces between Chinese and figures dropped', async () => {
    const src = await read('notice.pdf');
    expect(src.format).toBe('pdf');
    expect(src.text).not.toContain('-- 1 of');
    expect(understood(src)).toEqual(fromText);
  });

  it('reads a page saved from a portal: menus and footer stripped, title and date taken from the page', async () => {
    const src = await read('notice-page.html');
    expect(src).toMatchObject({
      format: 'html',
      title: '福建省人民政府办公厅关于2020年第一季度全省政府网站和政务新媒体检查情况的通报',
      published: '2020-04-13',
    });
    expect(src.text).not.toMatch(/首页|政务服务|分享到|网站标识码|相关链接|打印本页/);
    // The text has no title line and no signed date: both come from the page.
    expect(understood(src)).toEqual(fromText);
  });
});

describe('decodeText()', () => {
  it('tells UTF-8 (with or without BOM), UTF-16 with BOM and GBK apart', () => {
    const s = '福建省政府网站检查情况';
    expect(decodeText(Buffer.from(s, 'utf8'))).toEqual({ text: s, encoding: 'utf-8' });
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(s)]))).toEqual({
      text: s,
      encoding: 'utf-8',
    });
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')])).text).toBe(s);
    const gbk = readFileSync(path.join(files, 'notice-gbk.txt'));
    expect(decodeText(gbk)).toMatchObject({ encoding: 'gb18030' });
    expect(decodeText(gbk).text).toContain('福建省人民政府办公厅关于2020年第一季度');
  });
});

describe('unwrap()', () => {
  it('joins prose lines the page width broke, and leaves table cells and ended sentences alone', () => {
    const wide = '截至今年3月底，我省在全国政府网站信息报送系统中备案的政府网站共有435个。其中，省级政府门户网';
    expect(unwrap([wide, '站1个，省级政府部门网站49个。', '序号', '福州市', '39'])).toEqual([
      `${wide}站1个，省级政府部门网站49个。`,
      '序号',
      '福州市',
      '39',
    ]);
  });
});

describe('htmlText()', () => {
  it('prefers the article container over a longer related-links list and keeps one paragraph per line', () => {
    const page = Buffer.from(
      `<html><head><meta charset="utf-8"><title>通报_某市人民政府</title></head><body>
       <div class="nav">${'<a>栏目链接很多很多很多</a>'.repeat(40)}</div>
       <div class="content"><p>某市人民政府办公室关于2023年第二季度全市政府网站检查情况的通报</p>
       <p>全市正在运行的政府网站共49个，其中合格47个，不合格2个。</p><table><tr><td>序号</td><td>地区</td></tr></table></div>
       <div class="footer">主办：某市人民政府办公室</div></body></html>`,
    );
    const { text } = htmlText(page);
    expect(text.split('\n')).toEqual([
      '某市人民政府办公室关于2023年第二季度全市政府网站检查情况的通报',
      '全市正在运行的政府网站共49个，其中合格47个，不合格2个。',
      '序号',
      '地区',
    ]);
  });
});
