import type { Dataset } from '../dataset.ts';
import type { Unit } from '../schema.ts';
import type { RegisterWrite } from '../store.ts';
import { contactProblems } from './contact-check.ts';
import { ImportRegions } from './import-regions.ts';
import { Problems } from './refusal.ts';
import { registerIds } from './sheet/build-register.ts';
import { unitsText as tx } from './text/sheet.ts';

/** A contact as a door gives it: at least one of the four fields. */
export interface ContactInput {
  name?: string | undefined;
  mobile?: string | undefined;
  wecomUserId?: string | undefined;
  dingtalkUserId?: string | undefined;
}

/** A unit as a door gives it (the API's POST /api/units): named within its region. */
export interface UnitInput {
  name: string;
  region: string;
  /** Replaces the unit's aliases when given; kept when absent. */
  aliases?: string[] | undefined;
  /** Replaces the unit's contacts when given (an empty list removes them all); kept when absent. */
  contacts?: ContactInput[] | undefined;
}

/**
 * Units and their contacts as a register write, all or nothing: a unit is known by its region
 * and name, with the id a register spreadsheet gives it (build-register.ts registerIds), so a
 * spreadsheet and the API update the same unit. Every problem is collected with its JSON path
 * (`units[2].contacts[0].wecomUserId`) and refused together (ImportRefused → 400).
 */
export function planUnits(inputs: readonly UnitInput[], data: Dataset): { write: RegisterWrite; units: Unit[] } {
  const problems = new Problems();
  const regions = new ImportRegions(data.regions.all());
  const stored = new Map(data.register.units.map((u) => [u.id, u]));
  const seen = new Map<string, number>();
  const units: Unit[] = [];
  inputs.forEach((input, i) => {
    const at = (field: string) => ({ path: `units[${i}].${field}` });
    const region = regions.require({ text: input.region, where: at('region') }, undefined, problems);
    const contacts = input.contacts?.map((c, j) => {
      const where = (field: string) => at(`contacts[${j}]${field ? `.${field}` : ''}`);
      const fields = clean(c);
      if (Object.keys(fields).length === 0) problems.add(where(''), tx.emptyContact);
      for (const p of contactProblems(fields)) problems.add(where(p.field), p.reason);
      return fields;
    });
    if (contacts) {
      const people = new Map<string, number>();
      contacts.forEach((c, j) => {
        const k = c.name ?? c.mobile;
        if (!k) return;
        const first = people.get(k);
        if (first !== undefined) problems.add(at(`contacts[${j}]`), tx.duplicateContact(`units[${i}].contacts[${first}]`));
        else people.set(k, j);
      });
    }
    if (!region) return;
    const id = registerIds.unit(region.id, input.name);
    const first = seen.get(id);
    if (first !== undefined) {
      problems.add(at('name'), tx.duplicateUnit(`units[${first}]`));
      return;
    }
    seen.set(id, i);
    const before = stored.get(id);
    units.push({
      id,
      name: before?.name ?? input.name,
      regionId: region.id,
      aliases: input.aliases ?? before?.aliases ?? [],
      contacts: contacts ?? before?.contacts ?? [],
    });
  });
  problems.throwIfAny();
  return { write: { newRegions: [], units, sites: [], accounts: [] }, units };
}

/** The given fields, trimmed, empty ones left out. */
function clean(c: ContactInput): Unit['contacts'][number] {
  const out: Unit['contacts'][number] = {};
  for (const k of ['name', 'mobile', 'wecomUserId', 'dingtalkUserId'] as const) {
    const v = c[k]?.trim();
    if (v) out[k] = v;
  }
  return out;
}
