import { SiteDirectory } from './probe/sites.ts';
import { RegionIndex } from './regions.ts';
import { isSampleRound } from './sample.ts';
import type { Channel, Failure, Region, RegisterFile, Round, RoundFile, StatedRate, Tally, Unit } from './schema.ts';

export interface DatasetOptions {
  /** HOME_REGION: the deployment's own region, by name, short form or code (湖南, 红河, 350102). */
  home?: string;
}

/**
 * A tally for one region and channel, possibly summed from the region's children. A count the
 * notice did not state is absent (a sum is absent when any child's is); `rate` is the notice's
 * own rate when it gave one without counts.
 */
export interface RegionTally {
  total?: number;
  checked?: number;
  failed?: number;
  rate?: StatedRate;
  /** True when summed from sub-regions because the notice did not list the region itself. */
  summed: boolean;
}

export interface RoundView {
  round: Round;
  file: RoundFile;
  tally(regionId: string, channel: Channel): Tally | undefined;
  /** Region ids with a tally row of their own in this round. */
  tallied: Set<string>;
}

/**
 * The in-memory read model: the register plus every round, with the indexes the handlers need.
 * Immutable; the store builds a new one after each write.
 */
export class Dataset {
  readonly regions: RegionIndex;
  /** Rounds in period order, oldest first. */
  readonly rounds: RoundView[];
  private readonly unitsByName = new Map<string, Unit>();
  /** Built on first use (a national data set has ~400 regions and ~3,300 failures a round). */
  private readonly roundsByRegion = new Map<string, RoundView[]>();
  private readonly failuresByRegion = new WeakMap<RoundView, Map<string, Failure[]>>();
  /** Sums of children, per round, channel and region, computed once (a province sums ~3,000 rows). */
  private readonly sums = new WeakMap<RoundView, Record<Channel, Map<string, RegionTally | null>>>();

  /**
   * Rounds of the shipped sample notice set aside because a real round of another region was
   * imported: they no longer take part in any answer, ranking or rate.
   */
  readonly setAside: RoundView[] = [];
  private readonly samples = new WeakSet<RoundView>();

  constructor(
    readonly register: RegisterFile,
    roundFiles: readonly RoundFile[],
    opts: DatasetOptions = {},
  ) {
    this.regions = new RegionIndex(register.regions, opts.home ? { home: opts.home } : {});
    for (const u of register.units) {
      this.unitsByName.set(u.name, u);
      for (const a of u.aliases) this.unitsByName.set(a, u);
    }
    const views = roundFiles
      .map((file) => {
        const byChannel: Record<Channel, Map<string, Tally>> = { website: new Map(), newmedia: new Map() };
        for (const t of file.tallies) byChannel[t.channel].set(t.regionId, t);
        return {
          round: file.round,
          file,
          tally: (regionId: string, channel: Channel) => byChannel[channel].get(regionId),
          tallied: new Set(file.tallies.map((t) => t.regionId)),
        };
      })
      .sort(
        (a, b) => comparePeriods(a.round.period, b.round.period) || a.round.key.localeCompare(b.round.key),
      );
    for (const v of views) if (isSampleRound(v.round)) this.samples.add(v);
    // The sample is the zero-configuration demo: once a real round of a region outside the sample's
    // scope exists, the sample is set aside. A real round of the sample's own region (a later
    // Fujian notice) keeps it, marked as sample data wherever it is shown.
    const real = views.filter((v) => !this.samples.has(v));
    this.rounds = views.filter((v) => {
      const aside =
        this.samples.has(v) &&
        real.some((r) => !this.regions.within(r.round.scopeRegionId, v.round.scopeRegionId));
      if (aside) this.setAside.push(v);
      return !aside;
    });
    this.regions.near ??= this.rounds.at(-1)?.round.scopeRegionId;
  }

  private siteDirectory: SiteDirectory | undefined;

  /**
   * The registered websites with unit, region, homepage and the columns to watch (issue 16):
   * what the prober probes and /probe, /watch and the early warnings speak of. Built on first use.
   */
  get sites(): SiteDirectory {
    this.siteDirectory ??= new SiteDirectory(this.register, this.regions);
    return this.siteDirectory;
  }

  /** The deployment's own region (HOME_REGION), when configured and known. */
  get home(): Region | undefined {
    return this.regions.home ? this.regions.get(this.regions.home) : undefined;
  }

  /** True for a round of the shipped sample notice (answers drawn from it say 示例数据). */
  isSample(view: RoundView): boolean {
    return this.samples.has(view);
  }

  /** The regions rounds report on as a whole (their scopes), in round order, each once. */
  scopes(): Region[] {
    const out: Region[] = [];
    for (const v of this.rounds) {
      const r = this.regions.get(v.round.scopeRegionId);
      if (r && !out.includes(r)) out.push(r);
    }
    return out;
  }

  unit(name: string): Unit | undefined {
    return this.unitsByName.get(name);
  }

  /** Rounds that report on a region (directly, through its children, or as its scope), oldest first. */
  roundsFor(regionId: string): RoundView[] {
    let list = this.roundsByRegion.get(regionId);
    if (!list) {
      list = this.rounds.filter((v) => this.coverage(v, regionId) !== undefined);
      this.roundsByRegion.set(regionId, list);
    }
    return list;
  }

  /** The round for a region: a given period, or the latest. */
  roundFor(regionId: string, period?: string): RoundView | undefined {
    const list = this.roundsFor(regionId).filter((v) => !period || v.round.period === period);
    return list.at(-1);
  }

  /**
   * The round before `view` in the same series (same issuer scope, same kind of period) that also
   * reports on the region. A city's monthly notice is not "last quarter" for a provincial quarterly
   * one: it counts other sites over another span, so comparing rates across series misleads.
   */
  previousRound(view: RoundView, regionId: string): RoundView | undefined {
    const list = this.roundsFor(regionId).filter(
      (v) =>
        v.round.scopeRegionId === view.round.scopeRegionId &&
        periodKind(v.round.period) === periodKind(view.round.period) &&
        comparePeriods(v.round.period, view.round.period) < 0,
    );
    return list.at(-1);
  }

  /** A region's numbers in a round: its own row, or the sum of its children's rows. */
  tally(view: RoundView, regionId: string, channel: Channel): RegionTally | undefined {
    const own = view.tally(regionId, channel);
    if (own) {
      const out: RegionTally = { summed: false };
      if (own.total !== undefined) out.total = own.total;
      if (own.checked !== undefined) out.checked = own.checked;
      if (own.failed !== undefined) out.failed = own.failed;
      if (own.rate) out.rate = own.rate;
      return out;
    }
    let memo = this.sums.get(view);
    if (!memo) {
      memo = { website: new Map(), newmedia: new Map() };
      this.sums.set(view, memo);
    }
    let sum = memo[channel].get(regionId);
    if (sum === undefined) {
      sum = null;
      for (const c of this.regions.childrenOf(regionId)) {
        const t = this.tally(view, c.id, channel);
        if (!t) continue;
        sum ??= { total: 0, checked: 0, failed: 0, summed: true };
        sum.total = addCount(sum.total, t.total);
        sum.checked = addCount(sum.checked, t.checked);
        sum.failed = addCount(sum.failed, t.failed);
      }
      memo[channel].set(regionId, sum);
    }
    return sum ? { ...sum } : undefined;
  }

  /** Failures of a round inside a region's subtree. */
  failures(view: RoundView, regionId: string): Failure[] {
    let index = this.failuresByRegion.get(view);
    if (!index) {
      // Each failure listed under its region and every region above it, in the round's order.
      index = new Map();
      for (const f of view.file.failures) {
        let cur = this.regions.get(f.regionId);
        const ids: string[] = [];
        for (let depth = 0; cur && depth < 10; depth++, cur = this.regions.parentOf(cur)) ids.push(cur.id);
        for (const id of ids) {
          const list = index.get(id) ?? [];
          list.push(f);
          index.set(id, list);
        }
      }
      this.failuresByRegion.set(view, index);
    }
    return [...(index.get(regionId) ?? [])];
  }

  private coverage(view: RoundView, regionId: string): 'own' | 'children' | undefined {
    if (view.tallied.has(regionId)) return 'own';
    const children = this.regions.childrenOf(regionId);
    if (children.some((c) => this.coverage(view, c.id))) return 'children';
    return undefined;
  }
}

/**
 * Orders periods by their last month: 2019Q4 < 2020-01 < 2020Q1 < 2020-04 < 2020Q2. Periods that
 * end in the same month go shortest first (2020-06 < 2020Q2 < 2020H1), then by text.
 */
export function comparePeriods(a: string, b: string): number {
  return (
    periodEnd(a) - periodEnd(b) || span[periodKind(a)] - span[periodKind(b)] || (a < b ? -1 : a > b ? 1 : 0)
  );
}

const span = { M: 1, Q: 3, H: 6 } as const;

/** 'Q' for a quarter, 'H' for a half-year, 'M' for a month. */
function periodKind(p: string): 'Q' | 'H' | 'M' {
  return /Q[1-4]$/.test(p) ? 'Q' : /H[12]$/.test(p) ? 'H' : 'M';
}

function periodEnd(p: string): number {
  const year = Number(p.slice(0, 4));
  const q = p.match(/Q([1-4])$/);
  if (q) return year * 12 + Number(q[1]) * 3;
  const h = p.match(/H([12])$/);
  if (h) return year * 12 + Number(h[1]) * 6;
  const m = p.match(/-(\d{2})$/);
  return year * 12 + Number(m?.[1] ?? 12);
}

/** A sum of counts stays unknown once one part is unknown. */
function addCount(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : a + b;
}
