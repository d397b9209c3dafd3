import { createHash } from 'node:crypto';
import type { Channel } from '../schema.ts';

/** A failure's id: stable across re-imports of the same round. */
export function failureId(
  roundKey: string,
  channel: Channel,
  regionId: string,
  subject: string,
  platform?: string,
): string {
  return createHash('sha1')
    .update([roundKey, channel, regionId, subject, platform ?? ''].join('\u0000'))
    .digest('hex')
    .slice(0, 16);
}
