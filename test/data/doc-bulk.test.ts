import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Doc } from '../../data/doc.ts';

const item = z.object({ id: z.string().min(1), tags: z.array(z.string()).default([]) });
const schema = z.object({ version: z.literal(1), name: z.string(), items: z.array(item) });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'doc-bulk-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function open(content: unknown) {
  const file = path.join(dir, 'doc.json');
  await writeFile(file, JSON.stringify(content));
  return Doc.open({ file, schema, version: 1, bulk: { items: item }, initial: () => ({ version: 1 as const, name: '', items: [] }) });
}

describe('Doc.open() with bulk arrays', () => {
  it('validates each item, filling defaults, and the rest of the document with the schema', async () => {
    const doc = await open({ version: 1, name: 'n', items: [{ id: 'a' }, { id: 'b', tags: ['x'] }] });
    expect(doc.data).toEqual({ version: 1, name: 'n', items: [{ id: 'a', tags: [] }, { id: 'b', tags: ['x'] }] });
  });

  it('refuses a bad item, naming the array and index', async () => {
    await expect(open({ version: 1, name: 'n', items: [{ id: 'a' }, { id: '' }] })).rejects.toThrow(
      /does not match the schema: items\.1\.id/,
    );
  });

  it('still refuses a bad field outside the bulk arrays', async () => {
    await expect(open({ version: 1, name: 7, items: [] })).rejects.toThrow(/does not match the schema: name/);
  });
});
