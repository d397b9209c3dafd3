import type { Region } from '../schema.ts';
import {
  fitsHint,
  type IssuerFound,
  issuerInBody,
  issuerInSignature,
  issuerInSourceLine,
  issuerInTitle,
  OFFICE,
  officeHint,
  placesInTitle,
  type ScopeHint,
  scopeFromNamedRegions,
  scopeHints,
  type TitleFound,
} from './issuer.ts';
import type { RegionLearner } from './learn.ts';
import type { Line } from './lines.ts';
import { type Place, type PlaceBook, places } from './places.ts';
import { IssuerNotFound } from './refusal.ts';
import { importText as tx } from './text/notice.ts';

/** What a notice's reader knows about where the text came from. */
export interface ScopeSource {
  /** `--issuer <地区或机关>`: supplies or overrides the issuer and its region. */
  issuer?: string;
  /** The portal the page was saved from (its SiteName, or the site part of its <title>). */
  site?: string;
}

export interface ScopeFound {
  issuer: string;
  scope: Region;
  note?: string;
}

/**
 * Who issued the notice and which region it covers. `--issuer` wins; otherwise the office in the
 * title, the sign-off, the page's 来源 line or the body sentence that says who ran the check —
 * never a cited document. An office without a place (县政府办公室, 省人民政府办公厅) takes its
 * region from the text: the level its name or the body gives (县 / 我县 / 全市 …) and the regions
 * the text names — table rows, unit and account names, the page's portal — when they all lie
 * under one unit of that level. Nothing found → refused, saying what was looked for and that
 * `--issuer` fixes it.
 */
export function issuerAndScope(
  src: ScopeSource,
  lines: Line[],
  body: Line[],
  title: TitleFound | undefined,
  learner: RegionLearner,
): ScopeFound {
  const book = places();
  if (src.issuer !== undefined) {
    const name = src.issuer.normalize('NFKC').replace(/\s+/g, '');
    const scope = regionOfOffice(name, book.leading(name), learner, book);
    if (!scope)
      throw new IssuerNotFound(
        tx.issuerOptionUnknown(
          src.issuer,
          learner.regions.suggest(name).map((r) => r.name),
        ),
      );
    return { issuer: src.issuer.trim(), scope, note: tx.issuerFromOption(src.issuer.trim(), scope.name) };
  }
  const candidates = [
    title ? issuerInTitle(title, book) : undefined,
    issuerInSignature(lines, book),
    issuerInSourceLine(body, book),
    issuerInBody(body, book),
  ].filter((c): c is IssuerFound => c !== undefined);
  for (const c of candidates) {
    const scope = regionOfOffice(c.name, c.place, learner, book);
    if (scope) return { issuer: c.name, scope };
  }
  const office = candidates[0];
  if (office && /^国务院|^国家/.test(office.name)) {
    const country = learner.resolve('全国') ?? learner.learn('全国', undefined);
    return { issuer: office.name, scope: country };
  }
  // The page's portal (武定县人民政府门户网站) is one more place the text names.
  const evidence = src.site
    ? [...lines, { no: 0, raw: src.site, text: src.site.normalize('NFKC').replace(/\s+/g, '') }]
    : lines;
  const hints = [
    ...candidates.map(officeHint).filter((h): h is ScopeHint => h !== undefined),
    ...scopeHints(body),
  ];
  const site = src.site ? book.leading(src.site.normalize('NFKC').replace(/\s+/g, '')) : undefined;
  for (const hint of hints) {
    // The text names its unit, or speaks as a unit (我县, 县政府办公室) of the portal it was saved from.
    const named = title ? placesInTitle(title.text, book).filter((p) => fitsHint(p, hint)) : [];
    const place =
      (named.length === 1 ? named[0] : undefined) ??
      scopeFromNamedRegions(evidence, hint, book) ??
      (site && hint.strong && fitsHint(site, hint) ? site : undefined);
    if (!place) continue;
    // Placed through the notice's own words; the office keeps its name, made whole (县政府办公室
    // of 武定县 → 武定县政府办公室).
    const scope = learner.fromPlace(place, book);
    return { issuer: issuerName(office, place), scope, note: tx.scopeFromBody(place.name, hint.word) };
  }
  // No level word at all: a title that names one unit in full (关于…浙江省政府系统…的通报) names its scope.
  const inTitle = title && hints.length === 0 ? placesInTitle(title.text, book) : [];
  if (inTitle.length === 1) {
    const place = inTitle[0] as Place;
    return {
      issuer: issuerName(office, place),
      scope: learner.fromPlace(place, book),
      note: tx.scopeFromTitle(place.name),
    };
  }
  const at = title && title.line > 0 ? title.line : (office?.line ?? hints[0]?.line ?? firstLine(body));
  const looked = { title: title?.raw, office: office?.name, word: scopeHints(body)[0]?.word };
  throw new IssuerNotFound(
    office ? tx.issuerWithoutPlace(office.name, looked) : tx.noIssuerFound(looked),
    at,
  );
}

/** 县政府办公室 with 武定县 → 武定县政府办公室; an office that names no level keeps its name. */
function issuerName(office: IssuerFound | undefined, place: Place): string {
  if (!office) return `${place.name}（${tx.issuerInferred}）`;
  const level = office.name.match(/^(自治区|地区|省|市|州|盟|县|区|旗)/)?.[1];
  return level && place.name.endsWith(level) ? place.name + office.name.slice(level.length) : office.name;
}

/** The region an office speaks for: a registered region its name starts with, or its gazetteer place. */
export function regionOfOffice(
  name: string,
  place: Place | undefined,
  learner: RegionLearner,
  book: PlaceBook,
): Region | undefined {
  const registered = learner.resolve(name.replace(OFFICE, '').replace(OFFICE, '')) ?? learner.prefixOf(name);
  // 福建省人民政府办公厅 → the registered 福建省 (same code); 平潭综合实验区管委会 → the zone, not 平潭县.
  if (
    registered &&
    (!place ||
      registered.code === place.code ||
      (!registered.code && registered.name.length > place.name.length))
  )
    return registered;
  if (place) return learner.fromPlace(place, book);
  return undefined;
}

function firstLine(body: Line[]): number {
  return body[0]?.no ?? 1;
}
