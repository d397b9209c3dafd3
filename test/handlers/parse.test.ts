import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../handlers/parse.ts';

describe('parseCommand()', () => {
  it('splits /rate 福州 into the command word and its arguments', () => {
    expect(parseCommand('/rate 福州 2020Q1')).toEqual({
      word: 'rate',
      args: ['福州', '2020Q1'],
      slash: true,
      text: 'rate 福州 2020Q1',
    });
  });

  it('reads the full-width slash, letters and ideographic space', () => {
    expect(parseCommand('／ｒａｔｅ　福州')).toMatchObject({ word: 'rate', args: ['福州'], slash: true });
  });

  it('accepts a message without the slash, and says so', () => {
    expect(parseCommand('rate 福州')).toMatchObject({ word: 'rate', args: ['福州'], slash: false });
    expect(parseCommand('福州')).toMatchObject({ word: '福州', args: [], slash: false });
  });

  it('drops leading @mentions typed by hand, including full-width @', () => {
    expect(parseCommand('@机器人 /rate 福州')).toMatchObject({ word: 'rate', args: ['福州'], slash: true });
    expect(parseCommand('＠检查助手　＠张三 /fail')).toMatchObject({ word: 'fail', args: [], slash: true });
  });

  it('lower-cases the command word and collapses extra spaces', () => {
    expect(parseCommand('  /RATE    福州  ')).toMatchObject({ word: 'rate', args: ['福州'] });
    expect(parseCommand('/ rate 福州')).toMatchObject({ word: 'rate', args: ['福州'], slash: true });
  });

  it('reads an empty message, or one that is only a mention, as the empty word', () => {
    expect(parseCommand('   ')).toMatchObject({ word: '', args: [], slash: false });
    expect(parseCommand('@机器人')).toMatchObject({ word: '', args: [] });
    expect(parseCommand('@机器人 ')).toMatchObject({ word: '', args: [] });
  });
});
