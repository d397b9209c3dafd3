import { createHash } from 'node:crypto';
import type { Dataset } from '../../data/dataset.ts';
import { shanghaiDate } from '../../data/deadlines/time.ts';
import { type RuleId, ruleNearness } from '../../data/probe/nearness.ts';
import type { RegisteredSite } from '../../data/probe/sites.ts';
import { type SiteStanding, siteStanding } from '../../data/probe/standing.ts';
import type { ProbeStore } from '../../data/probe/store.ts';
import type { InspectionStore } from '../../data/store.ts';
import { compareNames, followedSites, probedBefore, ruleReason } from '../../handlers/probe.ts';
import type { Contact } from '../../handlers/reply.ts';
import type { FollowScope } from '../../handlers/services.ts';
import { probeText as tx } from '../../handlers/text.ts';
import { reachableContacts } from '../alerts/compose.ts';
import type { Group, Groups } from '../groups.ts';
import type { Logger } from '../logger.ts';
import { type DigestItem, digest } from '../outbox/digest.ts';
import type { OutboxQueue, OutgoingMessage } from '../outbox/queue.ts';
import { type FitsFor, textFits } from '../reminders/job.ts';

/**
 * Early warnings and recoveries (issue 16): each probed site's rules are evaluated from the probe
 * store; a rule that reaches its warning level (or its veto) is announced to every group that
 * follows the site's unit or region, @-mentioning the unit's contacts, and announced again only
 * when it gets worse (warning → veto); a rule announced before that is back to normal is
 * announced recovered, once.
 *
 * Once only, across restarts and instances: every announcement is an outbox item keyed
 * `probe|<level>|<site>|<rule>|<Shanghai date>|<group>` — the outbox (files or PostgreSQL, shared
 * by every instance) refuses a known key — and the probe store's journal (`announced`) records
 * what each rule was last announced at, so a warning is not repeated the next day while nothing
 * changed. The journal is written after the outbox: a crash between the two re-evaluates to the
 * same keys, which the outbox refuses.
 */
export interface WarnDeps {
  store: Pick<InspectionStore, 'dataset'>;
  probes: ProbeStore;
  groups: Groups;
  /** What each group follows (bot/alerts/subscriptions.ts). */
  scopeOf: (group: Group, data: Dataset) => FollowScope;
  outbox: Pick<OutboxQueue, 'knows' | 'enqueueAll'> & { sync?(): Promise<void> };
  /** Tries planned per site and day (PROBE_PER_DAY). */
  perDay: number;
  fits?: FitsFor;
  log: Logger;
}

export type Announced = 'warn' | 'veto' | 'ok';

/** One rule of one site that has something to announce now. */
export interface WarnEvent {
  site: RegisteredSite;
  standing: SiteStanding;
  rule: RuleId;
  level: Announced;
  /** The groups that follow the site (empty: nobody to tell, logged). */
  groups: Group[];
  /** How near the rule is to its veto (data/probe/nearness.ts): warnings are told nearest first. */
  nearness: number;
  /** Only the journal changes (a veto eased to a warning): no message. */
  quiet?: boolean;
}

export interface WarnScan {
  events: WarnEvent[];
  messages: OutgoingMessage[];
  /** Messages the outbox took as new (0 on a dry run). */
  queued: number;
}

export const warnItemKey = (level: Announced, siteId: string, rule: RuleId, date: string, groupId: string) =>
  `probe|${level}|${siteId}|${rule}|${date}|${groupId}`;

/** What changed since the journal's last announcement, for every probed site. Pure over its inputs. */
export function warnEvents(deps: WarnDeps, data: Dataset, now: Date): WarnEvent[] {
  const events: WarnEvent[] = [];
  const audience = new Map(deps.groups.list.map((g) => [g.id, new Set(followedSites(data, deps.scopeOf(g, data)).map((s) => s.site.id))]));
  for (const site of data.sites.probed()) {
    if (!probedBefore({ store: deps.probes }, site)) continue;
    const standing = siteStanding(deps.probes, site.site, now, deps.perDay);
    for (const r of ruleNearness(standing)) {
      const before = deps.probes.announced(site.site.id, r.rule)?.level;
      let level: Announced | undefined;
      let quiet = false;
      if (r.level === 'veto' && before !== 'veto') level = 'veto';
      else if (r.level === 'warn' && before !== 'warn') {
        // Back from a veto to a warning: nothing to tell, but a veto tripping again is news.
        level = 'warn';
        quiet = before === 'veto';
      } else if (r.level === 'ok' && (before === 'warn' || before === 'veto')) level = 'ok';
      if (!level) continue;
      const groups = deps.groups.list.filter((g) => audience.get(g.id)?.has(site.site.id));
      events.push({ site, standing, rule: r.rule, level, nearness: r.nearness, groups, ...(quiet ? { quiet } : {}) });
    }
  }
  return events;
}

/** The messages a scan's events make: per group, warnings (nearest a veto first) then recoveries. */
export function warnMessages(events: readonly WarnEvent[], deps: WarnDeps, now: Date): OutgoingMessage[] {
  const date = shanghaiDate(now);
  const byGroup = new Map<string, { group: Group; events: WarnEvent[] }>();
  for (const e of events.filter((x) => !x.quiet))
    for (const g of e.groups) {
      const entry = byGroup.get(g.id) ?? { group: g, events: [] };
      entry.events.push(e);
      byGroup.set(g.id, entry);
    }
  const fitsFor = deps.fits ?? textFits;
  const out: OutgoingMessage[] = [];
  for (const { group, events: theirs } of byGroup.values()) {
    const fresh = theirs.filter(
      (e) => !deps.outbox.knows(warnItemKey(e.level, e.site.site.id, e.rule, date, group.id)),
    );
    const warnings = fresh
      .filter((e) => e.level !== 'ok')
      .sort((a, b) => nearnessOf(b) - nearnessOf(a) || compareNames(a.site.site.name, b.site.site.name));
    const recoveries = fresh.filter((e) => e.level === 'ok');
    if (warnings.length === 0 && recoveries.length === 0) continue;
    const items: DigestItem[] = warnings.map((e, i) => ({
      lines: [
        tx.warnItem(i + 1, e.site.site.name, e.site.unit?.name, tx.levelMark(e.level), ruleReason(e.standing, e.rule)),
      ],
      mentions: contactsOn(e.site, group.platform),
      keys: [warnItemKey(e.level, e.site.site.id, e.rule, date, group.id)],
    }));
    for (const [i, e] of recoveries.entries()) {
      const line = tx.recoveredItem(e.site.site.name, tx.ruleName[e.rule] ?? e.rule);
      items.push({
        lines: i === 0 && warnings.length > 0 ? ['', tx.recoveredHeading, line] : [line],
        mentions: [],
        keys: [warnItemKey('ok', e.site.site.id, e.rule, date, group.id)],
      });
    }
    const parts = digest(
      {
        title: warnings.length > 0 ? tx.warnTitle(warnings.length) : tx.recoveredTitle(recoveries.length),
        head: warnings.length > 0 ? [tx.warnHead] : [],
        items,
      },
      fitsFor(group),
      tx.warnPart,
    );
    const id = createHash('sha256')
      .update(items.flatMap((x) => x.keys ?? []).join('\n'))
      .digest('hex')
      .slice(0, 12);
    for (const [k, p] of parts.entries())
      out.push({
        key: `probe|${group.id}|${date}|${id}|${k + 1}/${parts.length}`,
        groupId: group.id,
        kind: 'notice',
        reply: p.reply,
        items: p.keys,
      });
  }
  return out;
}

/**
 * The idempotent evaluation: queue what is new, then record in the journal what each rule was
 * announced at. A dry run computes the same messages and changes nothing.
 */
export async function runWarnings(deps: WarnDeps, now: Date, opts: { dryRun?: boolean } = {}): Promise<WarnScan> {
  // What other instances queued counts as known (PostgreSQL).
  await deps.outbox.sync?.();
  const data = deps.store.dataset();
  const events = warnEvents(deps, data, now);
  const messages = warnMessages(events, deps, now);
  if (opts.dryRun) return { events, messages, queued: 0 };
  const queued = messages.length > 0 ? await deps.outbox.enqueueAll(messages, now) : 0;
  const date = shanghaiDate(now);
  for (const e of events) {
    if (e.groups.length === 0 && !e.quiet)
      deps.log.info({ site: e.site.site.id, rule: e.rule, level: e.level }, 'probe warnings: no group follows this site');
    deps.probes.setAnnounced(e.site.site.id, e.rule, e.level === 'ok' ? undefined : { level: e.level, date });
  }
  if (events.length > 0) {
    await deps.probes.flush(date);
    deps.log.info({ events: events.length, queued }, 'probe warnings: evaluated');
  }
  return { events, messages, queued };
}

function nearnessOf(e: WarnEvent): number {
  return (e.level === 'veto' ? 10 : 0) + e.nearness;
}

function contactsOn(site: RegisteredSite, platform: Group['platform']): Contact[] {
  return reachableContacts(site.unit?.contacts ?? [], platform);
}
