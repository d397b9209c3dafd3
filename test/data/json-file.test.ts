import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtomicJsonFile, writeFileAtomic } from '../../data/json-file.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'json-file-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('AtomicJsonFile.read()', () => {
  it('reads a missing file as null', async () => {
    expect(await new AtomicJsonFile(path.join(dir, 'absent.json')).read()).toBeNull();
  });

  it('refuses a file that is not JSON, naming the file', async () => {
    const file = path.join(dir, 'broken.json');
    await writeFile(file, '{"version": 1, "regions": [');
    await expect(new AtomicJsonFile(file).read()).rejects.toThrow(`store: ${file} is not valid JSON`);
  });
});

describe('AtomicJsonFile.write()', () => {
  it('writes the JSON text with a final newline, creating the directory, and leaves no temporary file', async () => {
    const file = path.join(dir, 'nested', 'doc.json');
    await new AtomicJsonFile(file).write({ a: 1, b: ['福州'] });
    expect(await readFile(file, 'utf8')).toBe('{"a":1,"b":["福州"]}\n');
    expect(await readdir(path.dirname(file))).toEqual(['doc.json']);
  });

  it('reads back what it wrote', async () => {
    const adapter = new AtomicJsonFile<{ n: number }>(path.join(dir, 'doc.json'));
    await adapter.write({ n: 7 });
    expect(await adapter.read()).toEqual({ n: 7 });
  });
});

describe('writeFileAtomic()', () => {
  it('replaces the previous content as a whole', async () => {
    const file = path.join(dir, 'doc.json');
    await writeFileAtomic(file, 'first\n');
    await writeFileAtomic(file, 'second\n');
    expect(await readFile(file, 'utf8')).toBe('second\n');
  });

  it('ignores a torn temporary file left by a crash: the target still holds the previous content', async () => {
    const file = path.join(dir, 'doc.json');
    await writeFileAtomic(file, '{"n":1}\n');
    // A crash after writing half of the temporary file, before the rename.
    await writeFile(path.join(dir, '.doc.json.999.deadbeef.tmp'), '{"n":');
    expect(await new AtomicJsonFile(file).read()).toEqual({ n: 1 });
  });

  it('fails without touching anything else when the rename target is a directory, and removes its temporary file', async () => {
    const file = path.join(dir, 'doc.json');
    await mkdir(file);
    await writeFile(path.join(file, 'inside.txt'), 'kept');
    await expect(writeFileAtomic(file, '{"n":2}\n')).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['doc.json']);
    expect(await readFile(path.join(file, 'inside.txt'), 'utf8')).toBe('kept');
  });

  it('fails when the directory cannot be created, writing nothing', async () => {
    await writeFile(path.join(dir, 'plain'), 'a file, not a directory');
    await expect(writeFileAtomic(path.join(dir, 'plain', 'doc.json'), '{}')).rejects.toThrow();
    expect(await readFile(path.join(dir, 'plain'), 'utf8')).toBe('a file, not a directory');
  });
});
