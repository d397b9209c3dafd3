import type { Channel } from '../data/schema.ts';
import { channelName } from './text.ts';

/** Every sentence of /chart and the dashboard (bot/dashboard/) — the texts module for pictures. */
export const chartText = {
  rankTitle: (scope: string, period: string, ch?: Channel) =>
    `${scope} ${period}各地区${ch ? channelName[ch] : ''}不合格率`,
  trendTitle: (region: string) => `${region} 合格率走势`,
  failAxis: '不合格率（%）',
  passAxis: '合格率（%）',
  periodAxis: '期次',
  seriesPass: (ch: Channel) => `${channelName[ch]}合格率`,
  barLabel: (rate: string, failed: number, checked: number) => `${rate}（${failed}/${checked}）`,
  summed: '（由下级汇总）',
  sample: '示例数据',
  sampleLead: '示例数据 · ',
  source: (issuer: string, title: string, issuedOn?: string) =>
    `数据来源：${issuer}${title ? `《${title.replace(/^《|》$/g, '')}》` : ''}${issuedOn ? `（${issuedOn}）` : ''}`,
  sourceMany: (n: number, issuer: string) => `数据来源：${issuer}等${n}期通报`,
  shownTop: (shown: number, all: number) => `显示不合格率最高的${shown}个，共${all}个地区`,
  highlighted: (region: string) => `（${region}所在上级地区的排名）`,
  noData: (region: string) => `${region}本期没有可画图的下级地区数据。`,
  trendOne: '仅有一期数据，图中只有一个点。',
  summaryRank: (ch: string, n: number, worst: string, rate: string, failed: number, checked: number) =>
    `${ch}：${n}个地区，不合格率最高为${worst} ${rate}（${failed}/${checked}）`,
  summaryAllPass: (ch: string, n: number) => `${ch}：${n}个地区全部合格`,
  summaryTrend: (period: string, parts: string[]) => `${period}　${parts.join('　')}`,
  trendCell: (ch: string, rate: string) => `${ch}${rate}`,
  seeText: (cmd: string) => `文字版：${cmd}`,
  savedTo: (file: string) => `图片已保存：${file}`,
  imageAlt: (title: string) => `图表：${title}`,
  /** DingTalk shows pictures only by URL; without PUBLIC_BASE_URL the bot has none to give. */
  noPublicUrl: '钉钉中的图片需要机器人对外可访问的地址：请管理员设置 PUBLIC_BASE_URL（见 README “图表”）。以上为文字版。',
  /** WeCom long connection: the picture comes through the group robot. */
  viaRobot: '图片将由群机器人发送。',
  noRobotForImage: '图片需要群机器人发送：请管理员在 groups.json 中为本群配置 robot。以上为文字版。',
  linkExpired: '图表链接已过期或无效，请在群里重新发送 /chart。',
} as const;
