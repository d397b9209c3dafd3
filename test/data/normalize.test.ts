import { describe, expect, it } from 'vitest';
import { nameKey, normalizeText } from '../../data/normalize.ts';

describe('normalizeText()', () => {
  it('turns full-width forms into ASCII and collapses whitespace', () => {
    expect(normalizeText('　／ｒａｔｅ　　福州　２０２０Ｑ１ ')).toBe('/rate 福州 2020Q1');
  });
});

describe('nameKey()', () => {
  it('ignores spaces, quotes, case and bracketed remarks', () => {
    expect(nameKey('省直部门（含二级网站）')).toBe('省直部门');
    expect(nameKey(' “福 州” ')).toBe('福州');
    expect(nameKey('WeChat')).toBe('wechat');
  });
});
