import { z } from 'zod';
import { channels } from '../../data/schema.ts';

/**
 * What a chart shows, small enough to sign into a URL and to keep in the outbox; the picture is
 * drawn from it and the data (handlers/charts/build.ts), so a chart queued now and sent later, or
 * fetched by DingTalk through a link, shows the same numbers as the answer it came with.
 */
export const chartRefSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('rank'),
    /** The region whose sub-regions are ranked. */
    regionId: z.string(),
    roundKey: z.string(),
    /** One channel, or both side by side. */
    channel: z.enum(channels).optional(),
    /** A sub-region to mark (the one asked about when it has no sub-regions of its own). */
    highlight: z.string().optional(),
  }),
  z.object({ kind: z.literal('trend'), regionId: z.string(), roundKey: z.string() }),
]);
export type ChartRef = z.infer<typeof chartRefSchema>;

/** A stable text form of a ref (cache key, file name). */
export function refKey(ref: ChartRef): string {
  return ref.kind === 'rank'
    ? `rank|${ref.regionId}|${ref.roundKey}|${ref.channel ?? 'both'}|${ref.highlight ?? ''}`
    : `trend|${ref.regionId}|${ref.roundKey}`;
}
