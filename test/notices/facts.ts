import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The facts a notice's text states, in one shape for both sides of the comparison: written by
 * hand beside each fixture (`<notice>.facts.json`, see test/fixtures/notices/README.md), and
 * produced from the importer's result by the adapter (test/notices/adapter.ts).
 */

export const factChannels = ['website', 'newMedia'] as const;
export type FactChannel = (typeof factChannels)[number];

const count = z.number().int().nonnegative();
const rate = z.number().min(0).max(100);

export const channelFactsSchema = z.strictObject({
  total: count.optional(),
  checked: count.optional(),
  failed: count.optional(),
  /** Percent, as printed (99.8, not 0.998). */
  passRate: rate.optional(),
});
export type ChannelFacts = z.infer<typeof channelFactsSchema>;

export const regionRowSchema = z.strictObject({
  region: z.string().min(1),
  channel: z.enum(factChannels),
  total: count.optional(),
  checked: count.optional(),
  failed: count.optional(),
  passRate: rate.optional(),
});
export type RegionRow = z.infer<typeof regionRowSchema>;

export const failureFactSchema = z.strictObject({
  channel: z.enum(factChannels),
  /** Site or account name as written. */
  name: z.string().min(1),
  platform: z.string().min(1).optional(),
  region: z.string().min(1).optional(),
  problem: z.string().min(1).optional(),
});
export type FailureFact = z.infer<typeof failureFactSchema>;

const factsBody = {
  title: z.string().min(1).optional(),
  period: z
    .string()
    .regex(/^\d{4}(Q[1-4]|H[12]|-\d{2})?$/)
    .optional(),
  /** The official full name of the region the notice speaks for (江西省, 红河哈尼族彝族自治州). */
  issuer: z.string().min(1).optional(),
  channels: z
    .strictObject({ website: channelFactsSchema.optional(), newMedia: channelFactsSchema.optional() })
    .optional(),
  regions: z.array(regionRowSchema).optional(),
  failures: z.array(failureFactSchema).optional(),
  /** Names praised, criticised or given as examples: never failures. */
  mentions: z.array(z.string().min(1)).optional(),
  deadline: z
    .strictObject({
      date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
      time: z
        .string()
        .regex(/^\d{2}:\d{2}$/)
        .optional(),
    })
    .optional(),
};

/** What the importer produced, mapped into the facts shape (every key optional). */
export const factsSchema = z.strictObject(factsBody);
export type Facts = z.infer<typeof factsSchema>;

/** A hand-written facts file: the facts plus where the notice came from. */
export const expectedFactsSchema = z.strictObject({
  source: z.string().url(),
  retrieved: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  note: z.string().optional(),
  /**
   * For a notice whose text does not say who issued it: the region an operator would pass with
   * `npm run import -- <file> --issuer <地区>`. Not a fact of the text, so never scored.
   */
  importIssuer: z.string().min(1).optional(),
  /**
   * For a notice whose text does not say which round it is (一季度 and no year anywhere): what an
   * operator passes with `--period`. Not a fact of the text, so never scored.
   */
  importPeriod: z
    .string()
    .regex(/^\d{4}(Q[1-4]|H[12]|-\d{2})?$/)
    .optional(),
  ...factsBody,
});
export type ExpectedFacts = z.infer<typeof expectedFactsSchema>;

export interface CorpusNotice {
  /** The file name without extension: `2022-henan-province-2022q4`. */
  name: string;
  file: string;
  text: string;
  expected: ExpectedFacts;
}

export const NOTICES_DIR = path.join(import.meta.dirname, '..', 'fixtures', 'notices');

/**
 * Reads every `<name>.txt` with its `<name>.facts.json`. Throws, naming the file, when a notice
 * has no facts file (or facts no notice) or a facts file does not match the schema.
 */
export function loadCorpus(dir: string = NOTICES_DIR): CorpusNotice[] {
  const files = readdirSync(dir);
  const texts = files.filter((f) => f.endsWith('.txt')).map((f) => f.slice(0, -'.txt'.length));
  const facts = new Set(
    files.filter((f) => f.endsWith('.facts.json')).map((f) => f.slice(0, -'.facts.json'.length)),
  );
  for (const name of facts) {
    if (!texts.includes(name)) throw new Error(`corpus: ${name}.facts.json has no ${name}.txt beside it`);
  }
  return texts.sort().map((name) => {
    if (!facts.has(name)) throw new Error(`corpus: ${name}.txt has no ${name}.facts.json beside it`);
    const factsFile = path.join(dir, `${name}.facts.json`);
    const parsed = expectedFactsSchema.safeParse(JSON.parse(readFileSync(factsFile, 'utf8')));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `corpus: ${name}.facts.json: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
      );
    }
    const file = path.join(dir, `${name}.txt`);
    return { name, file, text: readFileSync(file, 'utf8'), expected: parsed.data };
  });
}
