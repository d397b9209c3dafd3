import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNotice } from '../../data/import/notice.ts';
import { ensureSeeded } from '../../data/import/seed.ts';
import { LowStore } from '../../data/store.ts';
import { SAMPLE_LINE } from '../support/sample.ts';
import { seededTranscript, transcript } from '../support/transcript.ts';

const IMPORT_HINT = '导入该地区的检查通报：npm run import -- <通报文件> --apply';
const SEEDED_AT = new Date('2020-04-14T09:00:00+08:00');

/** A store holding the shipped sample, opened with HOME_REGION = `home`. */
async function seededAt(home: string | undefined) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'inspection-bot-'));
  const store = await LowStore.open(dir, home ? { home } : {});
  await ensureSeeded(store, SEEDED_AT);
  const cleanup = async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  };
  return { store, cleanup };
}

describe('/rate for regions anywhere in the country (national gazetteer)', () => {
  const { lines } = seededTranscript();

  it('answers 红河 with 该地区暂无检查数据, the other 红河 and the regions that have data', async () => {
    expect(await lines('/rate 红河')).toEqual([
      '红河哈尼族彝族自治州（云南省）：该地区暂无检查数据',
      '“红河”也可能指：红河县（云南省红河哈尼族彝族自治州，532529）。',
      '有检查数据的地区：福建省（示例数据）',
      IMPORT_HINT,
    ]);
  });

  it('answers 黔东南 and 长沙 the same way', async () => {
    expect((await lines('/rate 黔东南'))[0]).toBe('黔东南苗族侗族自治州（贵州省）：该地区暂无检查数据');
    expect(await lines('/rate 长沙')).toEqual([
      '长沙市（湖南省）：该地区暂无检查数据',
      '“长沙”也可能指：长沙县（湖南省长沙市，430121）。',
      '有检查数据的地区：福建省（示例数据）',
      IMPORT_HINT,
    ]);
  });

  it('answers 海南 without a single Fujian place', async () => {
    const reply = await lines('/rate 海南');
    expect(reply[0]).toBe('海南省：该地区暂无检查数据');
    expect(reply.join('\n')).not.toMatch(/福州|厦门|泉州|平潭|海沧|省直/);
  });

  it('suggests places nationally for a typo, homophones first', async () => {
    expect(await lines('/rate 长砂')).toEqual([
      '未找到地区“长砂”',
      '您是不是要找：长沙市（湖南省）、长乐区（福州市，350112）、长泰区（漳州市，350605）？',
    ]);
  });
});

describe('HOME_REGION', () => {
  it('is what a bare /rate answers: 湖南 has no data yet', async () => {
    const { store, cleanup } = await seededAt('湖南');
    try {
      expect(await transcript(store).lines('/rate')).toEqual([
        '湖南省：该地区暂无检查数据',
        '有检查数据的地区：福建省（示例数据）',
        IMPORT_HINT,
      ]);
    } finally {
      await cleanup();
    }
  });

  it('answers from the sample, marked, when the home region is in it', async () => {
    const { store, cleanup } = await seededAt('福州');
    try {
      const reply = await transcript(store).lines('/rate');
      expect(reply.slice(0, 2)).toEqual(['【示例数据】福州市 2020年第一季度检查情况', SAMPLE_LINE]);
    } finally {
      await cleanup();
    }
  });

  it('decides a shared name: 鼓楼 is Nanjing’s for a Nanjing deployment, the others offered with their parents', async () => {
    const { store, cleanup } = await seededAt('南京');
    try {
      expect(await transcript(store).lines('/rate 鼓楼')).toEqual([
        '鼓楼区（南京市，320106）：该地区暂无检查数据',
        '“鼓楼”也可能指：鼓楼区（福建省福州市，350102）、鼓楼区（徐州市，320302）、鼓楼区（河南省开封市，410204）。',
        '有检查数据的地区：福建省（示例数据）',
        IMPORT_HINT,
      ]);
    } finally {
      await cleanup();
    }
  });
});

describe('the sample once a real round of another region is imported', () => {
  let store: LowStore;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ store, cleanup } = await seededAt(undefined));
    const text = await readFile(
      path.join(import.meta.dirname, '..', 'data', 'import', 'fixtures', 'jiangxi-2022q3-passrate.txt'),
      'utf8',
    );
    const plan = parseNotice(
      { text, file: 'jiangxi.txt' },
      store.dataset(),
      new Date('2022-10-11T09:00:00+08:00'),
    );
    await store.applyImport(plan.write, new Date('2022-10-11T09:00:00+08:00'));
  });
  afterAll(() => cleanup());
  const lines = (text: string) => transcript(store, new Date('2022-10-12T09:00:00+08:00')).lines(text);

  it('is set aside: a bare /rate answers the real round, unmarked', async () => {
    const reply = await lines('/rate');
    expect(reply[0]).toBe('江西省 2022年第三季度检查情况');
    expect(reply.join('\n')).not.toContain('示例数据');
  });

  it('answers the real round’s regions under their real parents', async () => {
    expect((await lines('/rate 九江'))[0]).toBe('九江市 2022年第三季度检查情况');
  });

  it('no longer answers for Fujian, and lists only the real regions with data', async () => {
    expect(await lines('/rate 福州')).toEqual([
      '福州市（福建省）：该地区暂无检查数据',
      '有检查数据的地区：江西省',
      IMPORT_HINT,
    ]);
  });

  it('is not ranked', async () => {
    expect((await lines('/rank')).join('\n')).not.toMatch(/省直|平潭|福州/);
  });
});
