import { z } from 'zod';
import { channels } from '../../data/schema.ts';

/**
 * The JSON an inspection system posts to POST /api/rounds (README “Spreadsheet template and
 * API”). The same rows as the spreadsheet template, in English keys; region names are resolved
 * exactly as a spreadsheet's are, and the same mistakes are refused.
 */
const count = z.number().int().nonnegative();
const text = z.string().trim().min(1);

export const roundBodySchema = z
  .object({
    period: text.describe('2020Q1, 2020H2 or 2023-09 (2020年第一季度 also reads)'),
    scope: text.describe('the region the notice covers: 福建省'),
    title: text.optional(),
    issuer: text.optional(),
    docNumber: text.optional(),
    issuedOn: text.optional(),
    resultsAsOf: text.optional(),
    deadline: text.optional().describe('2020-04-17 or 2020-04-17 17:00'),
    reportTo: text.optional(),
    /** Allows replacing a stored round of the same period and scope that drops failures or regions. */
    replace: z.boolean().optional(),
    tallies: z
      .array(
        z
          .object({
            region: text,
            parent: text.optional(),
            channel: z.enum(channels),
            total: count.optional(),
            checked: count,
            failed: count,
          })
          .strict()
          .superRefine((t, ctx) => {
            if (t.total !== undefined && t.checked > t.total)
              ctx.addIssue({ code: 'custom', path: ['checked'], message: `checked ${t.checked} exceeds total ${t.total}` });
            if (t.failed > t.checked)
              ctx.addIssue({ code: 'custom', path: ['failed'], message: `failed ${t.failed} exceeds checked ${t.checked}` });
          }),
      )
      .max(20_000),
    failures: z
      .array(
        z
          .object({
            region: text,
            channel: z.enum(channels),
            unit: text.optional(),
            subject: text,
            platform: text.optional(),
            problem: text,
          })
          .strict(),
      )
      .max(200_000)
      .default([]),
  })
  .strict();

export type RoundBody = z.infer<typeof roundBodySchema>;

/** `tallies[3].region` from zod's path. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    '',
  );
}
