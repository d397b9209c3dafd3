import { describe, expect, it } from 'vitest';
import { seededTranscript, transcript } from '../support/transcript.ts';
import { openEmptyStore } from '../support/seeded-store.ts';

const { lines } = seededTranscript();

describe('dispatch()', () => {
  it('answers an unknown command with the closest command', async () => {
    expect(await lines('/rte 福州')).toEqual([
      '未识别的命令“rte”',
      '您是不是要找：/rate？',
      '输入 /help 查看全部命令。',
    ]);
  });

  it('answers a word unlike any command with a pointer to /help', async () => {
    expect(await lines('/天气')).toEqual(['未识别的命令“天气”', '输入 /help 查看全部命令。']);
  });

  it('reads a bare region name without a slash as /rate', async () => {
    expect(await lines('福州')).toEqual(await lines('/rate 福州'));
    expect(await lines('平潭 2020Q1')).toEqual(await lines('/rate 平潭 2020Q1'));
  });

  it('answers a mistyped bare region name with region suggestions, not "unknown command"', async () => {
    expect(await lines('福洲')).toEqual([
      '未找到地区“福洲”',
      '您是不是要找：福州市、抚州市（江西省）、福建省？',
    ]);
  });

  it('still suggests a command for a mistyped bare command word', async () => {
    expect(await lines('rnak')).toEqual([
      '未识别的命令“rnak”',
      '您是不是要找：/rank？',
      '输入 /help 查看全部命令。',
    ]);
  });

  it('does not read a region name typed with a slash as a command', async () => {
    expect((await lines('/福州'))[0]).toBe('未识别的命令“福州”');
  });

  it('runs a command typed with full-width characters or after an @mention', async () => {
    const expected = await lines('/rate 福州');
    expect(await lines('／ｒａｔｅ　福州')).toEqual(expected);
    expect(await lines('@机器人 /rate 福州')).toEqual(expected);
    expect(await lines('rate 福州')).toEqual(expected);
  });

  it('runs a command by its Chinese alias', async () => {
    expect(await lines('合格率 福州')).toEqual(await lines('/rate 福州'));
  });

  it('answers an empty message, or only a mention, with /help', async () => {
    expect((await lines(''))[0]).toBe('检查通报助手：可用命令');
    expect((await lines('@机器人'))[0]).toBe('检查通报助手：可用命令');
  });

  it('tells how to import when the store holds no round', async () => {
    const { store: none, cleanup: c } = await openEmptyStore();
    try {
      expect(await transcript(none).lines('/rate 福州')).toEqual([
        '尚未导入任何检查通报。请用 npm run import -- <通报文件> --apply 导入。',
      ]);
    } finally {
      await c();
    }
  });
});
