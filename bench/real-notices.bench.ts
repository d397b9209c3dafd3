import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Dataset } from '../data/dataset.ts';
import { inspectFile } from '../data/import/file-kind.ts';
import { parseNotice } from '../data/import/notice.ts';
import { noticeReaders } from '../data/import/readers.ts';
import { fujianRegions } from '../data/reference/fujian.ts';
import { SCHEMA_VERSION } from '../data/schema.ts';
import { loadCorpus } from '../test/notices/facts.ts';
import { fmt, machine, medianMs, timeMs, writeSection } from './lib.ts';

/**
 * Import time of each real notice of the corpus (test/fixtures/notices) and of the shipped notice
 * in each file format (test/fixtures/files): read + parse into the preview, nothing written.
 * Baseline in the same run: a bare read of the same text (read + split into trimmed lines). The
 * first notice also pays the one-time loads (gazetteer, OpenCC for traditional characters); the
 * table shows the first (cold) time and the median of 5 warm runs.
 */
const at = new Date('2026-12-01T09:00:00+08:00');
const data = new Dataset({ version: SCHEMA_VERSION, regions: fujianRegions(), units: [], sites: [], accounts: [] }, []);

const rows: string[] = [];
const cold = await timeMs(() => parseNotice({ text: '福建省人民政府办公厅关于2020年第一季度全省政府网站检查情况的通报\n全省正在运行政府网站10个，其中合格10个。', file: 'warm-up' }, data, at));
let worst = 0;
for (const n of loadCorpus()) {
  const base = await medianMs(async () => (await readFile(n.file, 'utf8')).split('\n').map((l) => l.trim()).filter(Boolean).length);
  const once = () => {
    try {
      parseNotice({ text: n.text, file: path.basename(n.file), ...(n.expected.importIssuer ? { issuer: n.expected.importIssuer } : {}) }, data, at);
      return 'previewed';
    } catch {
      return 'refused';
    }
  };
  const first = await timeMs(once);
  const warm = await medianMs(once);
  worst = Math.max(worst, first, warm);
  rows.push(`| ${n.name} | ${n.text.length} | ${once()} | ${fmt(first)} | ${fmt(warm)} | ${fmt(base, 3)} |`);
}

const files = path.resolve(import.meta.dirname, '../test/fixtures/files');
const formatRows: string[] = [];
for (const name of ['notice-gbk.txt', 'notice.docx', 'notice.pdf', 'notice-page.html']) {
  const read = async () => {
    const file = await inspectFile(path.join(files, name));
    const src = await (noticeReaders[file.kind] as NonNullable<(typeof noticeReaders)['text']>)(file);
    return parseNotice({ ...src, file: name }, data, at);
  };
  const first = await timeMs(read);
  const warm = await medianMs(read);
  formatRows.push(`| ${name} | ${fmt(first)} | ${fmt(warm)} |`);
}

await writeSection(
  'real-notices',
  `## Real notices: import time of each (bench/real-notices.bench.ts)

${machine()}. Read + parse into the preview (nothing written), ms. One-time loads before the first
notice (gazetteer place book): ${fmt(cold)} ms. Baseline: a bare read of the same file (read, split,
trim). Slowest notice: ${fmt(worst)} ms — every notice well under a second.

| notice | chars | result | first ms | median ms | bare read ms |
|---|---:|---|---:|---:|---:|
${rows.join('\n')}

The shipped notice in each file format (reader + parse, ms; the first run loads the format's library):

| file | first ms | median ms |
|---|---:|---:|
${formatRows.join('\n')}
`,
);
console.log(`real notices: slowest ${fmt(worst)} ms`);
