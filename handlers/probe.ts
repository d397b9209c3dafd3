import type { SiteStanding } from '../data/probe/standing.ts';
import { probeText as tx } from './text.ts';

/** The lines of one site's standing, rule by rule, with the numbers behind each. */
export function standingLines(s: SiteStanding, hasReading: boolean): string[] {
  const a = s.availability;
  return [
    tx.site(s.site.name, s.site.url ?? ''),
    tx.unreachable(a.level, a.week, a.week.shortDays, a.budget),
    tx.homepage(s.homepage.level, s.homepage.newest, s.homepage.age, !hasReading, s.homepage.via === 'columns'),
    tx.columns(
      s.columns.level,
      s.columns.stale,
      s.columns.nearing,
      s.columns.longStale,
      s.columns.columns
        .filter((c) => c.state !== 'fresh' && c.state !== 'unrated')
        .map((c) => tx.columnLine(c.name, c.state, c.age, c.period, c.daysLeft, c.unreadable)),
    ),
    tx.blank(s.blank.level, s.blank.blank, s.blank.names),
  ];
}
