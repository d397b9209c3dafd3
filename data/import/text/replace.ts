import { channelName } from '../../labels.ts';
import type { Channel } from '../../schema.ts';

/** Replacing a stored round: the preview of the difference and the refusal without --replace. */
export const replaceText = {
  heading: (key: string) => `已有${key}的数据，导入后将替换它。与已导入的内容相比：`,
  identical: (key: string) => `已有${key}的数据，内容相同，导入不会改动。`,
  droppedFailure: (what: string) => `　－ 去掉不合格：${what}`,
  addedFailure: (what: string) => `　＋ 新增不合格：${what}`,
  droppedRegion: (region: string, channel: Channel) => `　－ 去掉地区：${region}（${channelName[channel]}）`,
  addedRegion: (region: string, channel: Channel) => `　＋ 新增地区：${region}（${channelName[channel]}）`,
  changedTally: (region: string, channel: Channel, before: string, after: string) =>
    `　～ ${region}（${channelName[channel]}）：${before} → ${after}`,
  counts: (total: number | undefined, checked: number | undefined, failed: number | undefined) =>
    `运行${total ?? '—'}、检查${checked ?? '—'}、不合格${failed ?? '—'}`,
  more: (n: number) => `　……另有${n}处变化。`,
  noChange: '　（各地区数字和不合格项都没有变化，只有通报信息不同）',
  refused: (key: string, failures: number, regions: number) =>
    `导入未执行：这次导入会替换已有的${key}，并去掉${[
      failures > 0 ? `${failures}项不合格` : '',
      regions > 0 ? `${regions}个地区的数字` : '',
    ]
      .filter(Boolean)
      .join(
        '和',
      )}（它们的整改任务和提醒也会随之消失）。请先不带 --apply 预览差异；确认要替换，加 --replace（API 请求体加 "replace": true）。`,
  willRefuse: '　⚠ 这次替换会去掉不合格项或地区：--apply 时须同时加 --replace 才会执行。',
};
