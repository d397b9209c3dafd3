import { createRequire } from 'node:module';

/**
 * Notices copied from big5 gateways and Hong Kong/Taiwan mirrors of portals come in traditional
 * characters (政府網站, 辦公廳). They are read through OpenCC's traditional → simplified
 * conversion (opencc-js), loaded only when a text needs it; the text as written is kept for
 * what is stored.
 */
const TRADITIONAL = /[網辦區縣會與這個為發對運動問題門開關時實們國業務體廳號廣場賬帳覽檢查結據統計達範圍間單標準優點說讀質應責紹續處]/g;

type Convert = (text: string) => string;
let convert: Convert | undefined;

/** True when a text is written in traditional characters (a handful of them is not enough). */
export function isTraditional(text: string): boolean {
  const n = text.match(TRADITIONAL)?.length ?? 0;
  return n >= 5 && n >= text.length / 400;
}

/** The text in simplified characters. */
export function toSimplified(text: string): string {
  if (!convert) {
    const require = createRequire(import.meta.url);
    const opencc = require('opencc-js/t2cn') as { Converter: (o: { from: string; to: string }) => Convert };
    convert = opencc.Converter({ from: 't', to: 'cn' });
  }
  return convert(text);
}
