/**
 * Derives former names from the history of the division list (a developer tool, not run by the bot
 * or the tests): `npx tsx data/gazetteer/derive-renames.ts <clone of modood/Administrative-divisions-of-China>`
 * prints JSON for data/gazetteer/renames.json.
 *
 * Between two consecutive data releases of the repository, a prefecture or county whose code
 * vanished is matched to a new code under the same parent with the same short form (沙县 350427 →
 * 沙县区 350405, 长乐市 350182 → 长乐区 350112); a code whose name changed is a rename in place.
 * Codes that vanished without such a successor (mergers: 梅列区 → 三元区) are printed to stderr for
 * the curated table in renames.ts.
 */
import { execFileSync } from 'node:child_process';
import { shortForm } from './names.ts';

/** Data releases in the repository's history: commit and the NBS year of its data. */
const RELEASES: Array<[commit: string, year: number]> = [
  ['a9f6e38', 2016],
  ['c893e3b', 2017],
  ['31aaa3c', 2018],
  ['2824502', 2019],
  ['78b6f36', 2020],
  ['0b7fd75', 2021],
  ['dc3a1d7', 2022],
];

interface Row {
  code: string;
  name: string;
  parent: string;
}

function load(repo: string, commit: string): Map<string, Row> {
  const rows = new Map<string, Row>();
  const csv = (file: string) =>
    execFileSync('git', ['-C', repo, 'show', `${commit}:dist/${file}`], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    })
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((line) => line.split(',').map((c) => c.replace(/^"|"$/g, '')));
  for (const [code, name, provinceCode] of csv('cities.csv'))
    rows.set(code as string, { code: code as string, name: name as string, parent: provinceCode as string });
  for (const [code, name, cityCode] of csv('areas.csv'))
    rows.set(code as string, { code: code as string, name: name as string, parent: cityCode as string });
  return rows;
}

export interface DerivedRename {
  former: string;
  formerCode: string;
  code: string;
  name: string;
  /** The first data release with the new name (NBS year). */
  year: number;
  source: string;
}

const GROUPING = /^(市辖区|县|省直辖县级行政区划|自治区直辖县级行政区划)$/;

/** NBS development zones (fifth digit 7) are renumbered freely; they are not administrative units. */
function isStatistical(code: string): boolean {
  return code.length === 6 && code[4] === '7';
}

function unique<T>(list: T[]): T | undefined {
  return list.length === 1 ? list[0] : undefined;
}

function main(repo: string): void {
  const out: DerivedRename[] = [];
  let prev = load(repo, RELEASES[0]![0]);
  for (const [commit, year] of RELEASES.slice(1)) {
    const next = load(repo, commit);
    // Rows of the new release that are new or renamed: the only possible successors.
    const fresh = [...next.values()].filter(
      (r) => prev.get(r.code)?.name !== r.name && !isStatistical(r.code),
    );
    for (const old of prev.values()) {
      if (GROUPING.test(old.name) || isStatistical(old.code)) continue;
      const now = next.get(old.code);
      if (now && now.name === old.name) continue;
      const source = `modood/Administrative-divisions-of-China ${commit}`;
      const stem = shortForm(old.name);
      const province = old.code.slice(0, 2);
      // Same parent and short form (沙县 → 沙县区); then the same province and short form (武隆县
      // 5002 → 武隆区 5001, 公主岭市 moved to 长春); then a rename in place (桥东区 → 襄都区), unless the
      // new name is another unit's new form (232701 加格达奇区 reused for 漠河市 ← 漠河县).
      const successor =
        fresh.find((r) => r.parent === old.parent && shortForm(r.name) === stem) ??
        unique(
          fresh.filter(
            (r) =>
              r.code.startsWith(province) && r.code.length === old.code.length && shortForm(r.name) === stem,
          ),
        ) ??
        (now &&
        ![...prev.values()].some(
          (p) => p.code !== now.code && shortForm(p.name) === shortForm(now.name) && p.parent === now.parent,
        )
          ? now
          : undefined);
      if (successor)
        out.push({
          former: old.name,
          formerCode: old.code,
          code: successor.code,
          name: successor.name,
          year,
          source,
        });
      else
        process.stderr.write(
          `${year} vanished without a successor: ${old.code} ${old.name} (under ${old.parent})\n`,
        );
    }
    prev = next;
  }
  process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
}

const repo = process.argv[2];
if (!repo) {
  process.stderr.write('usage: derive-renames.ts <clone of modood/Administrative-divisions-of-China>\n');
  process.exit(2);
}
main(repo);
