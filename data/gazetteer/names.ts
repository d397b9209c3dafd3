/**
 * The forms people write for an administrative name, derived by rule (no hand list per place):
 *
 * - the generic suffix is dropped when at least two characters remain: 福州市 → 福州, 沙县区 → 沙县
 *   (but 沙县 and 和县 stay whole), 锡林郭勒盟 → 锡林郭勒, 阿里地区 → 阿里, 神农架林区 → 神农架;
 * - in autonomous units the ethnic names go too: 红河哈尼族彝族自治州 → 红河, 新疆维吾尔自治区 → 新疆,
 *   巴音郭楞蒙古自治州 → 巴音郭楞, 龙胜各族自治县 → 龙胜, 东乡族自治县 → 东乡 (never to nothing);
 * - an autonomous prefecture or county is also written with a plain 州 or 县: 红河州, 黔东南州, 石林县.
 */

/** The 56 nationalities' names as they occur in unit names (蒙古, 维吾尔 and 哈萨克 are often written without 族). */
const ETHNIC = [
  '汉',
  '蒙古',
  '回',
  '藏',
  '维吾尔',
  '苗',
  '彝',
  '壮',
  '布依',
  '朝鲜',
  '满',
  '侗',
  '瑶',
  '白',
  '土家',
  '哈尼',
  '哈萨克',
  '傣',
  '黎',
  '傈僳',
  '佤',
  '畲',
  '高山',
  '拉祜',
  '水',
  '东乡',
  '纳西',
  '景颇',
  '柯尔克孜',
  '土',
  '达斡尔',
  '仫佬',
  '羌',
  '布朗',
  '撒拉',
  '毛南',
  '仡佬',
  '锡伯',
  '阿昌',
  '普米',
  '塔吉克',
  '怒',
  '乌孜别克',
  '俄罗斯',
  '鄂温克',
  '德昂',
  '保安',
  '裕固',
  '京',
  '塔塔尔',
  '独龙',
  '鄂伦春',
  '赫哲',
  '门巴',
  '珞巴',
  '基诺',
  '各',
];

/** Ethnic names at the end of a stem, longest first: `X族`, or a bare name of two characters or more. */
const ETHNIC_TAIL = new RegExp(
  `(?:${[...ETHNIC]
    .sort((a, b) => b.length - a.length)
    .map((e) => (e.length >= 2 ? `${e}族?` : `${e}族`))
    .join('|')})$`,
);

/** Generic suffixes, longest first (自治区 before 区). */
const SUFFIXES = [
  '特别行政区',
  '自治区',
  '自治州',
  '自治县',
  '自治旗',
  '地区',
  '林区',
  '特区',
  '新区',
  '省',
  '市',
  '盟',
  '县',
  '区',
  '旗',
];

/** Development and administrative zones, whose 区 is not a generic suffix. */
const ZONE = /(开发区|园区|示范区|管理区|实验区|试验区|保税区|合作区|产业区)$/;

/** A name split into its stem and generic suffix: 红河哈尼族彝族自治州 → 红河 + 自治州. */
export function splitName(name: string): { stem: string; suffix: string } {
  // Zones keep their whole name: 石家庄高新技术产业开发区 is not 石家庄高新技术产业开发.
  if (ZONE.test(name)) return { stem: name, suffix: '' };
  for (const suffix of SUFFIXES) {
    if (!name.endsWith(suffix)) continue;
    let stem = name.slice(0, -suffix.length);
    if (suffix.startsWith('自治')) stem = stripEthnic(stem);
    // 新疆维吾尔自治区 has its ethnic name before 自治区 too.
    if (suffix === '自治区') stem = stripEthnic(stem);
    if ([...stem].length >= 2) return { stem, suffix };
    return { stem: name, suffix: '' };
  }
  return { stem: name, suffix: '' };
}

function stripEthnic(stem: string): string {
  for (;;) {
    const m = stem.match(ETHNIC_TAIL);
    if (!m || m[0].length === 0) return stem;
    const rest = stem.slice(0, -m[0].length);
    if ([...rest].length < 2) {
      // 东乡族自治县 → 东乡, 鄂温克族自治旗 → 鄂温克, never an empty or one-character stem.
      return stem.endsWith('族') && [...stem].length > 2 ? stem.slice(0, -1) : stem;
    }
    stem = rest;
  }
}

/** The short form people write: 红河哈尼族彝族自治州 → 红河, 湖南省 → 湖南, 沙县 → 沙县. */
export function shortForm(name: string): string {
  return splitName(name).stem;
}

/** Every form of a name besides the full name: the short form, and 红河州 / 石林县 for autonomous units. */
export function nameForms(name: string): string[] {
  const { stem, suffix } = splitName(name);
  const forms = new Set<string>();
  if (stem !== name) forms.add(stem);
  if (suffix === '自治州') forms.add(`${stem}州`);
  if (suffix === '自治县') forms.add(`${stem}县`);
  if (suffix === '自治旗') forms.add(`${stem}旗`);
  // 高新技术产业开发区 → 高新区, 经济技术开发区 → 经开区: the abbreviations notices use for zones.
  const zone = name
    .replace(/高新技术产业开发区$/, '高新区')
    .replace(/经济技术开发区$/, '经开区')
    .replace(/经济开发区$/, '经开区');
  if (zone !== name) forms.add(zone);
  forms.delete(name);
  return [...forms];
}
