import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Doc, type DocSpec } from '../../data/doc.ts';

const counterSchema = z.object({
  version: z.literal(2),
  count: z.number().int().nonnegative(),
  names: z.array(z.string()).default([]),
});
type Counter = z.infer<typeof counterSchema>;

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'doc-'));
  file = path.join(dir, 'counter.json');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const spec = (more: Partial<DocSpec<typeof counterSchema>> = {}): DocSpec<typeof counterSchema> => ({
  file,
  schema: counterSchema,
  version: 2,
  initial: (): Counter => ({ version: 2, count: 0, names: [] }),
  ...more,
});
const onDisk = async () => JSON.parse(await readFile(file, 'utf8')) as unknown;

describe('Doc.open()', () => {
  it('starts from the initial data when the file does not exist, without writing it', async () => {
    const doc = await Doc.open(spec());
    expect(doc.data).toEqual({ version: 2, count: 0, names: [] });
    expect(await readdir(dir)).toEqual([]);
  });

  it('loads a valid file, applying schema defaults', async () => {
    await writeFile(file, JSON.stringify({ version: 2, count: 5 }));
    expect((await Doc.open(spec())).data).toEqual({ version: 2, count: 5, names: [] });
  });

  it('refuses a file that does not match the schema, naming the file and the field', async () => {
    await writeFile(file, JSON.stringify({ version: 2, count: 'five' }));
    await expect(Doc.open(spec())).rejects.toThrow(
      new RegExp(`store: ${file} does not match the schema: count`),
    );
  });

  it('refuses a file that is not JSON, naming the file', async () => {
    await writeFile(file, '{"version":2,"cou');
    await expect(Doc.open(spec())).rejects.toThrow(`${file} is not valid JSON`);
  });

  it('migrates a version-0 file (no version field) step by step through the migrations', async () => {
    await writeFile(file, JSON.stringify({ total: 3 }));
    const doc = await Doc.open(
      spec({
        migrations: {
          0: (d) => ({ count: d.total }),
          1: (d) => ({ ...d, names: ['migrated'] }),
        },
      }),
    );
    expect(doc.data).toEqual({ version: 2, count: 3, names: ['migrated'] });
  });

  it('refuses an old file when a migration step is missing', async () => {
    await writeFile(file, JSON.stringify({ version: 1, count: 3 }));
    await expect(Doc.open(spec({ migrations: { 0: (d) => d } }))).rejects.toThrow(
      `${file}: no migration from version 1`,
    );
  });

  it('refuses a file written by a newer bot', async () => {
    await writeFile(file, JSON.stringify({ version: 3, count: 3 }));
    await expect(Doc.open(spec())).rejects.toThrow('schema version 3, newer than this bot understands (2)');
  });
});

describe('Doc.update()', () => {
  it('persists the change and returns what the function returned', async () => {
    const doc = await Doc.open(spec());
    const result = await doc.update((d) => {
      d.count = 4;
      return 'done';
    });
    expect(result).toBe('done');
    expect(doc.data.count).toBe(4);
    expect(await onDisk()).toEqual({ version: 2, count: 4, names: [] });
  });

  it('serializes concurrent updates: 100 increments started at once all land, in memory and on disk', async () => {
    const doc = await Doc.open(spec());
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        doc.update((d) => {
          d.count += 1;
          d.names.push(`n${i}`);
        }),
      ),
    );
    expect(doc.data.count).toBe(100);
    expect(doc.data.names).toEqual(Array.from({ length: 100 }, (_, i) => `n${i}`));
    expect(await onDisk()).toMatchObject({ count: 100 });
    expect((await Doc.open(spec())).data.count).toBe(100);
  });

  it('leaves memory and disk unchanged when the function throws, and keeps working afterwards', async () => {
    const doc = await Doc.open(spec());
    await doc.update((d) => {
      d.count = 1;
    });
    await expect(
      doc.update((d) => {
        d.count = 99;
        throw new Error('handler bug');
      }),
    ).rejects.toThrow('handler bug');
    expect(doc.data.count).toBe(1);
    expect(await onDisk()).toMatchObject({ count: 1 });
    await doc.update((d) => {
      d.count += 1;
    });
    expect(doc.data.count).toBe(2);
  });

  it('rejects a change that breaks the schema, so the file always loads again', async () => {
    const doc = await Doc.open(spec());
    await doc.update((d) => {
      d.count = 1;
    });
    await expect(
      doc.update((d) => {
        d.count = -1;
      }),
    ).rejects.toThrow(`store: ${file}: update rejected: count`);
    expect(doc.data.count).toBe(1);
    expect((await Doc.open(spec())).data.count).toBe(1);
  });

  it('keeps the previous data in memory and on disk when the write fails', async () => {
    const doc = await Doc.open(spec());
    await doc.update((d) => {
      d.count = 1;
    });
    // Simulate a disk that refuses the write: the target path becomes a directory.
    await rm(file);
    await mkdir(file);
    await expect(
      doc.update((d) => {
        d.count = 2;
      }),
    ).rejects.toThrow();
    expect(doc.data.count).toBe(1);
    expect(await readdir(dir)).toEqual(['counter.json']);
  });
});

describe('Doc.replace()', () => {
  it('validates and persists a whole new document', async () => {
    const doc = await Doc.open(spec());
    await doc.replace({ version: 2, count: 9, names: ['a'] });
    expect(await onDisk()).toEqual({ version: 2, count: 9, names: ['a'] });
  });

  it('refuses an invalid document and keeps the old one', async () => {
    const doc = await Doc.open(spec());
    await doc.replace({ version: 2, count: 9, names: [] });
    await expect(doc.replace({ version: 2, count: -9, names: [] })).rejects.toThrow();
    expect(doc.data.count).toBe(9);
    expect(await onDisk()).toMatchObject({ count: 9 });
  });
});
