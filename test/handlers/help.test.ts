import { describe, expect, it } from 'vitest';
import { commands } from '../../handlers/index.ts';
import { commandText } from '../../handlers/text.ts';
import { seededTranscript } from '../support/transcript.ts';

const { lines } = seededTranscript();

describe('/help', () => {
  it('renders one line per command of the command table, then how to get details', async () => {
    const reply = await lines('/help');
    expect(reply[0]).toBe('检查通报助手：可用命令');
    expect(reply).toHaveLength(commands.length + 2);
    expect(reply).toContain('/rate [地区] [期次]　查询地区的检查数、不合格数和合格率');
    expect(reply).toContain('/rank [网站|新媒体] [地区] [期次]　按不合格率给地区排名');
    expect(reply).toContain('/fail [地区] [期次]　列出不合格网站和政务新媒体');
    expect(reply.at(-1)).toBe('命令可不带斜杠，全角字符亦可。输入 /help <命令> 查看详细说明。');
  });

  it('has help text for every command in the table', () => {
    for (const c of commands) expect(commandText[c.name], c.name).toBeDefined();
  });

  it('explains one command: summary, usage, details and aliases', async () => {
    expect(await lines('/help rate')).toEqual([
      '命令 /rate',
      '查询地区的检查数、不合格数和合格率',
      '用法：/rate [地区] [期次]',
      '不写地区时为全省（通报范围）；不写期次时为最新一期。',
      '例：/rate 福州　/rate 平潭 2020Q1　/rate 沙县',
      '显示政府网站和政务新媒体的运行数、检查数、不合格数、合格率与不合格率，单项否决项，以及较上期的变化。',
      '也可写作：合格率、查询、检查情况',
    ]);
  });

  it('finds the command by a slash form or a Chinese alias', async () => {
    expect((await lines('/help /rank'))[0]).toBe('命令 /rank');
    expect((await lines('帮助 排名'))[0]).toBe('命令 /rank');
  });

  it('says so when asked about a command that does not exist', async () => {
    expect(await lines('/help nope')).toEqual(['未识别的命令“nope”', '输入 /help 查看全部命令。']);
  });
});
