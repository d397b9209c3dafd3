import type { Site } from '../schema.ts';
import { type AvailabilityStanding, availabilityStanding } from './availability.ts';
import {
  type BlankStanding,
  blankStanding,
  type ColumnsStanding,
  columnsStanding,
  type HomepageStanding,
  homepageStanding,
} from './freshness.ts';
import type { ProbeStore } from './store.ts';

/** A site's standing on each veto rule a bot can measure, from the probe store, at `now`. */
export interface SiteStanding {
  site: Site;
  availability: AvailabilityStanding;
  homepage: HomepageStanding;
  columns: ColumnsStanding;
  blank: BlankStanding;
}

export function siteStanding(store: Pick<ProbeStore, 'tallies' | 'reading'>, site: Site, now: Date, perDay: number): SiteStanding {
  const reading = store.reading(site.id);
  return {
    site,
    availability: availabilityStanding(store.tallies(site.id), now, perDay),
    homepage: homepageStanding(reading?.homepage, now, reading?.columns ?? []),
    columns: columnsStanding(reading?.columns ?? [], now),
    blank: blankStanding(reading?.columns ?? [], now),
  };
}
