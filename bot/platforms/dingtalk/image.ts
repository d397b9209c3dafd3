import type { Sender } from '../../../handlers/context.ts';
import { chartText } from '../../../handlers/chart-text.ts';
import type { Reply } from '../../../handlers/reply.ts';
import type { ChartImages } from '../../charts/images.ts';
import { DingtalkError } from './send.ts';
import { type MarkdownMessage, mentions, toAnswer } from './encode.ts';

/**
 * Pictures on DingTalk: robots show an image only as markdown `![](url)` with a URL DingTalk can
 * fetch (protocols.md §10.3); the bot serves its own charts at PUBLIC_BASE_URL/charts/<id>.png
 * (bot/charts/). Without PUBLIC_BASE_URL the answer is the text version and a note saying so.
 */

/** `![alt](url)` with the brackets of the alt text made harmless. */
export function imageMarkdown(alt: string, url: string): string {
  return `![${alt.replace(/[[\]\\]/g, ' ')}](${url})`;
}

/** A session-webhook answer with its chart under the heading (or the note that links are off). */
export function toChartAnswer(reply: Reply, asker: Sender, charts: ChartImages | undefined, now: Date): MarkdownMessage {
  const url = reply.chart ? charts?.url(reply.chart, now) : undefined;
  if (!reply.chart) return toAnswer(reply, asker);
  if (!url) return toAnswer({ ...reply, lines: [...reply.lines, chartText.noPublicUrl] }, asker);
  const msg = toAnswer(reply, asker);
  const [head, ...rest] = msg.markdown.text.split('\n\n');
  msg.markdown.text = [head, imageMarkdown(reply.title, url), ...rest].join('\n\n');
  return msg;
}

/** A custom-robot chart push: the title and the picture. */
export function toChartPush(reply: Reply, charts: ChartImages | undefined, now: Date): MarkdownMessage {
  const url = reply.chart ? charts?.url(reply.chart, now) : undefined;
  if (!url) throw new DingtalkError('dingtalk.chart: no PUBLIC_BASE_URL, so no link to the picture', false);
  const { at, words } = mentions(reply.mentions);
  const tail = words.length > 0 ? `\n\n${words.join(' ')}` : '';
  return {
    msgtype: 'markdown',
    markdown: { title: reply.title, text: `#### ${reply.title}\n\n${imageMarkdown(reply.title, url)}${tail}` },
    at,
  };
}
