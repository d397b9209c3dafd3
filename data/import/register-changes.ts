import type { RegisterFile, Unit } from '../schema.ts';
import type { RegisterWrite } from '../store.ts';
import { registerChangeText as tx } from './text/register.ts';

type Contact = Unit['contacts'][number];

/** How many changed contacts an audit entry names; the rest are counted. */
export const CONTACTS_LISTED = 20;

/** New and changed entries of one kind (an entry written again unchanged is neither). */
export interface KindChanges {
  added: number;
  changed: number;
}

/**
 * What a register write changes against the register as it stands: per kind, entries added and
 * changed, and each contact added, removed or given a new mobile or platform id, by unit — what
 * the audit trail records of a register import (who and where come from the door).
 */
export interface RegisterChanges {
  regions: KindChanges;
  units: KindChanges;
  sites: KindChanges;
  accounts: KindChanges;
  /** `福建省教育厅：＋陈老师`, `…：陈老师 企业微信 chen → chenls` (at most CONTACTS_LISTED). */
  contacts: string[];
  /** Contact changes beyond those listed. */
  contactsMore: number;
}

/** Whether the write changes anything at all. */
export function changesAnything(c: RegisterChanges): boolean {
  return (
    [c.regions, c.units, c.sites, c.accounts].some((k) => k.added + k.changed > 0) || c.contacts.length + c.contactsMore > 0
  );
}

export function registerChanges(before: RegisterFile, write: RegisterWrite): RegisterChanges {
  const contactLines: string[] = [];
  const units = kindChanges(before.units, write.units, (a, b) => {
    const lines = contactChanges(b.name, a?.contacts ?? [], b.contacts);
    contactLines.push(...lines);
    return a !== undefined && (lines.length > 0 || a.name !== b.name || a.regionId !== b.regionId || !sameList(a.aliases, b.aliases));
  });
  return {
    regions: kindChanges(before.regions, write.newRegions, (a, b) => a !== undefined && !sameJson(a, b)),
    units,
    sites: kindChanges(before.sites, write.sites, (a, b) => a !== undefined && !sameJson(a, b)),
    // 150,000 at national scale: compared field by field, without building JSON.
    accounts: kindChanges(
      before.accounts,
      write.accounts,
      (a, b) =>
        a !== undefined && (a.name !== b.name || a.platform !== b.platform || a.regionId !== b.regionId || a.unitId !== b.unitId),
    ),
    contacts: contactLines.slice(0, CONTACTS_LISTED),
    contactsMore: Math.max(0, contactLines.length - CONTACTS_LISTED),
  };
}

/** The changes as the audit entry's `detail` (plain JSON, nothing empty). */
export function registerChangesDetail(c: RegisterChanges): Record<string, unknown> {
  const detail: Record<string, unknown> = {};
  for (const kind of ['regions', 'units', 'sites', 'accounts'] as const) {
    const k = c[kind];
    if (k.added + k.changed > 0) detail[kind] = { added: k.added, changed: k.changed };
  }
  if (c.contacts.length > 0) detail.contacts = c.contacts;
  if (c.contactsMore > 0) detail.contactsMore = c.contactsMore;
  return detail;
}

/**
 * Counts entries of `incoming` that are new or differ from the stored entry of the same id. An
 * id given twice counts once (the later wins, as the stores write it). `differs` also sees new
 * entries (with `stored` undefined) so it can note what they bring.
 */
function kindChanges<T extends { id: string }>(
  stored: readonly T[],
  incoming: readonly T[],
  differs: (stored: T | undefined, incoming: T) => boolean,
): KindChanges {
  const byId = new Map<string, T>();
  for (const x of stored) byId.set(x.id, x);
  const last = new Map<string, T>();
  for (const x of incoming) last.set(x.id, x);
  const out: KindChanges = { added: 0, changed: 0 };
  for (const x of last.values()) {
    const before = byId.get(x.id);
    const d = differs(before, x);
    if (!before) out.added += 1;
    else if (d) out.changed += 1;
  }
  return out;
}

/** A person in a unit's contact list is known by name, else by mobile, else by a platform id. */
function personKey(c: Contact): string {
  return c.name ? `n:${c.name}` : c.mobile ? `m:${c.mobile}` : `i:${c.wecomUserId ?? ''}|${c.dingtalkUserId ?? ''}`;
}

const fields = ['mobile', 'wecomUserId', 'dingtalkUserId'] as const;

function contactChanges(unit: string, before: readonly Contact[], after: readonly Contact[]): string[] {
  const lines: string[] = [];
  const was = new Map(before.map((c) => [personKey(c), c]));
  const is = new Map(after.map((c) => [personKey(c), c]));
  for (const [k, c] of is) {
    const old = was.get(k);
    if (!old) {
      lines.push(tx.added(unit, who(c)));
      continue;
    }
    const diffs = fields.filter((f) => (old[f] ?? '') !== (c[f] ?? '')).map((f) => tx.field(f, old[f], c[f]));
    if (diffs.length > 0) lines.push(tx.changed(unit, who(c), diffs));
  }
  for (const [k, c] of was) if (!is.has(k)) lines.push(tx.removed(unit, who(c)));
  return lines;
}

function who(c: Contact): string {
  return c.name ?? c.mobile ?? c.wecomUserId ?? c.dingtalkUserId ?? '?';
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Equal as data: key order (the schema's on the stored side, the builder's on the other) does not count. */
function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0)))
      : x,
  );
}
