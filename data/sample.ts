import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Round } from './schema.ts';

/**
 * The shipped sample: the Fujian 2020 Q1 notice (../shared/seed), imported on a fresh data
 * directory so `npm start` answers with no configuration. It is real published data, but not the
 * deployment's own: every answer drawn from it says 示例数据, and it is set aside once a real round
 * of another region is imported (data/dataset.ts).
 */
/** The sample's file name under data/seed/ (imported by data/import/seed.ts). */
export const SEED_FILE = 'fujian-2020q1-notice.txt';

export const SAMPLE_NOTICE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'seed', SEED_FILE);

let sha: string | undefined;

/** The sha256 the importer records for the sample's text (data/import/notice.ts source.sha256). */
export function sampleSha256(): string {
  sha ??= createHash('sha256').update(readFileSync(SAMPLE_NOTICE, 'utf8')).digest('hex');
  return sha;
}

/**
 * A round of the sample, recognised by its text's hash: seeded on a fresh directory, seeded before
 * this check existed, or imported by hand with `npm run import`, it is the same sample.
 */
export function isSampleRound(round: Round): boolean {
  return round.source.kind === 'notice' && round.source.sha256 === sampleSha256();
}
