import { repeatedFailures } from '../data/history.ts';
import { isReply, readScope } from './args.ts';
import type { HandlerContext } from './context.ts';
import { periodLabel, shortProblem } from './format.ts';
import { type Reply, reply } from './reply.ts';
import { markSample } from './sample.ts';
import { channelName, historyText as hx } from './text.ts';

/** /repeat [地区] [期次]: items of the round that failed in the round before too, longest streak first. */
export function repeat(args: string[], ctx: HandlerContext): Reply {
  const scope = readScope(args, ctx);
  if (isReply(scope)) return scope;
  const data = ctx.data;
  const { view, region } = scope;
  const title = hx.repeatTitle(region.name, periodLabel(view.round.period));
  const lines: string[] = scope.note ? [scope.note] : [];
  if (!data.previousRound(view, view.round.scopeRegionId))
    return markSample(reply(title, [...lines, hx.repeatNoPrevious]), [view]);
  const items = repeatedFailures(data, view, region.id);
  if (items.length === 0) lines.push(hx.repeatNone(region.name));
  items.forEach(({ failure: f, rounds, since }, i) => {
    const tag = f.channel === 'website' ? hx.website : (f.platform ?? channelName.newmedia);
    lines.push(hx.repeatItem(i + 1, tag, f.subject, shortProblem(f.problem), rounds, periodLabel(since.round.period)));
  });
  return markSample(reply(title, lines), [view]);
}
