import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDemoLine } from './demo-line.ts';

/** What a line typed into the demo fakes sends: text with line breaks, or a file message. */
describe('readDemoLine()', () => {
  it('turns \\n into a line break, so a notice can be pasted on one line', async () => {
    expect(await readDemoLine('/import 标题\\n正文第一行\\n正文第二行')).toEqual({
      kind: 'text',
      text: '/import 标题\n正文第一行\n正文第二行',
    });
  });

  it('reads /file <path> against the directory npm was started in', async () => {
    const dir = path.resolve(import.meta.dirname, '../fixtures/files');
    const line = await readDemoLine('/file notice-q2.docx', dir);
    expect(line).toMatchObject({ kind: 'file', name: 'notice-q2.docx' });
    expect(line.kind === 'file' && line.bytes.subarray(0, 2).toString()).toBe('PK');
  });

  it('says which file it could not read', async () => {
    const line = await readDemoLine('/file nope.pdf', '/tmp');
    expect(line).toMatchObject({ kind: 'error', message: expect.stringMatching(/^cannot read \/tmp\/nope\.pdf: ENOENT/) });
  });
});
