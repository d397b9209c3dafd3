import { createHash } from 'node:crypto';
import type { Reply } from '../../../handlers/reply.ts';
import type { ChartImages } from '../../charts/images.ts';
import { WecomError } from './send.ts';

/**
 * Pictures on WeCom (protocols.md §1.2, §10.3): the group robot's `image` message and the
 * 智能机器人's finishing stream reply both carry the raw PNG as base64 with the md5 of the raw
 * bytes. The group robot takes at most 2 MB (JPG/PNG); the stream allows 10 MB, the bot keeps to 2.
 */
export const IMAGE_MAX_BYTES = 2 * 1024 * 1024;

export interface WecomImage {
  base64: string;
  md5: string;
}

export function imageOf(png: Buffer): WecomImage {
  if (png.length > IMAGE_MAX_BYTES)
    throw new WecomError(`wecom.image: ${png.length} bytes is over the 2 MB limit`, false);
  return { base64: png.toString('base64'), md5: createHash('md5').update(png).digest('hex') };
}

/** Group robot `image` message (§1.2). */
export function toImageMessage(png: Buffer): { msgtype: 'image'; image: WecomImage } {
  return { msgtype: 'image', image: imageOf(png) };
}

/** The reply's chart as a WeCom image, or undefined (no chart, or its round is gone). */
export function chartImage(reply: Reply, charts: ChartImages | undefined): WecomImage | undefined {
  if (!reply.chart || !charts) return undefined;
  const png = charts.png(reply.chart);
  return png ? imageOf(png) : undefined;
}
