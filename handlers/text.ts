import type { Channel } from '../data/schema.ts';
import { type Reply, reply } from './reply.ts';

/**
 * Every sentence the bot says, in one place. Handlers pass numbers and names in; nothing
 * user-visible is written anywhere else.
 */

export const channelName: Record<Channel, string> = { website: '政府网站', newmedia: '政务新媒体' };

export interface CommandText {
  summary: string;
  usage: string;
  details: string[];
}

/** The help table; handlers/index.ts joins it with the runnable command table. */
export const commandText: Record<string, CommandText> = {
  rate: {
    summary: '查询地区的检查数、不合格数和合格率',
    usage: '/rate [地区] [期次]',
    details: [
      '不写地区时为全省（通报范围）；不写期次时为最新一期。',
      '例：/rate 福州　/rate 平潭 2020Q1　/rate 沙县',
      '显示政府网站和政务新媒体的运行数、检查数、不合格数、合格率与不合格率，单项否决项，以及较上期的变化。',
    ],
  },
  rank: {
    summary: '按不合格率给地区排名',
    usage: '/rank [网站|新媒体] [地区] [期次]',
    details: ['不写类别时分别列出政府网站和政务新媒体。', '例：/rank 网站　/rank 新媒体 2020Q1'],
  },
  fail: {
    summary: '列出不合格网站和政务新媒体',
    usage: '/fail [地区] [期次]',
    details: ['列出不合格项、突出问题和责任单位；通报批评、表扬不计为不合格。', '例：/fail　/fail 平潭'],
  },
  help: {
    summary: '查看命令说明',
    usage: '/help [命令]',
    details: ['例：/help rate'],
  },
};

export const t = {
  helpTitle: '检查通报助手：可用命令',
  helpFooter: '命令可不带斜杠，全角字符亦可。输入 /help <命令> 查看详细说明。',
  helpFor: (name: string) => `命令 /${name}`,
  usage: (u: string) => `用法：${u}`,
  aliases: (a: string[]) => `也可写作：${a.join('、')}`,

  unknownCommand: (word: string) => `未识别的命令“${word}”`,
  didYouMean: (s: string[]) => `您是不是要找：${s.join('、')}？`,
  seeHelp: '输入 /help 查看全部命令。',

  unknownRegion: (text: string) => `未找到地区“${text}”`,
  noSuggestion: '请检查地区名称，可用全称、简称或旧称（如“沙县”“龙海市”）。',
  ambiguousRegion: (chosen: string, others: string[]) => `“${chosen}”也可能指：${others.join('、')}。`,
  badArgument: (arg: string) => `无法识别的参数“${arg}”`,

  noRounds: '尚未导入任何检查通报。请用 npm run import -- <通报文件> --apply 导入。',
  noRoundForRegion: (region: string, period?: string) =>
    period ? `${period} 没有涉及${region}的检查数据。` : `暂无涉及${region}的检查数据。`,
  availablePeriods: (periods: string[]) => `已有期次：${periods.join('、')}`,

  rateTitle: (region: string, period: string) => `${region} ${period}检查情况`,
  notListed: (region: string, shown: string) => `本期通报未单列${region}，以下为${shown}的数据。`,
  summedFromChildren: '（由下级地区数据合计）',
  channelLine: (ch: string, total: number, checked: number, failed: number, pass: string, fail: string) =>
    `${ch}：运行${total}个，检查${checked}个，不合格${failed}个；合格率${pass}，不合格率${fail}`,
  channelMissing: (ch: string) => `${ch}：本期无数据`,
  changeLine: (prev: string, parts: string[]) => `较上期（${prev}）：${parts.join('；')}`,
  changeUp: (ch: string, pts: string) => `${ch}合格率上升${pts}个百分点`,
  changeDown: (ch: string, pts: string) => `${ch}合格率下降${pts}个百分点`,
  changeSame: (ch: string) => `${ch}合格率持平`,
  noPrevious: '较上期：暂无上期数据可比。',
  vetoLine: (items: string[]) => `单项否决：${items.join('；')}`,
  vetoNone: '单项否决：无',
  sourceLine: (issuer: string, issued: string | undefined, deadline: string | undefined) =>
    `来源：${issuer}${issued ? `（${issued}印发）` : ''}${deadline ? `；整改情况报送截止${deadline}` : ''}`,

  rankTitle: (scope: string, period: string) => `${scope} ${period}各地区不合格率排名`,
  rankSection: (ch: string) => `【${ch}】`,
  rankRow: (rank: number, region: string, rate: string, failed: number, checked: number) =>
    `${rank}. ${region}　不合格率${rate}（${failed}/${checked}）`,
  rankRest: (n: number) => `其余${n}个地区不合格率为0。`,
  rankEmpty: '本期没有可排名的地区数据。',

  failTitle: (region: string, period: string) => `${region} ${period}不合格名单`,
  failNone: (region: string) => `${region}本期政府网站和政务新媒体均合格。`,
  failWebsite: (i: number, subject: string, problem: string, unit: string | undefined) =>
    `${i}. 【网站】${subject}：${problem}${unit && unit !== subject ? `（责任单位：${unit}）` : ''}`,
  failAccount: (i: number, platform: string, subject: string, problem: string, unit: string | undefined) =>
    `${i}. 【${platform}】${subject}：${problem}${unit ? `（责任单位：${unit}）` : ''}`,
  vetoMark: '（单项否决）',
  failingSince: (period: string) => `，自${period}起连续不合格`,
  mentionsNote: (n: number) => `另有${n}项通报批评或表扬，不计为不合格。`,

  internalError: '抱歉，处理这条消息时出错了，已记录。请稍后再试。',
};

export function failureReply(): Reply {
  return reply(t.internalError);
}
