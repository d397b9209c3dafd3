import { type Reply, reply } from './reply.ts';

/**
 * Every sentence the bot says, in one place. Handlers pass numbers and names in; nothing
 * user-visible is written anywhere else.
 */

export { channelName } from '../data/labels.ts';

export interface CommandText {
  summary: string;
  usage: string;
  details: string[];
}

/** The help table; handlers/index.ts joins it with the runnable command table. */
export const commandText: Record<string, CommandText> = {
  import: {
    summary: '导入群里发来的通报（管理员）',
    usage: '/import 通报全文',
    details: [
      '也可以直接把通报全文发给机器人。机器人先回复预览（识别结果、提示和替换会删去的内容），不写入。',
      '30分钟内发送 /apply 导入（替换会删去内容时发送“/apply replace”），发送 /cancel 放弃。',
    ],
  },
  apply: { summary: '确认导入预览过的通报（管理员）', usage: '/apply [replace]', details: ['例：/apply　/apply replace'] },
  cancel: { summary: '放弃预览过的导入', usage: '/cancel', details: [] },
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
  deadline: {
    summary: '查看整改任务和剩余工作日',
    usage: '/deadline',
    details: [
      '列出未完成的整改任务、截止日期和剩余工作日（按法定节假日和调休计算）。',
      '管理员可改截止日期：/deadline set 2020Q1 2020-04-17 [17:00]；只改一个单位：/deadline set 2020Q1 平潭综合实验区管委会 2020-04-20',
      '截止前3个、1个工作日和截止日上午提醒；逾期后每个工作日上午提醒，逾期超过2个工作日同时@群管理员。',
    ],
  },
  overdue: {
    summary: '列出已逾期的整改任务',
    usage: '/overdue',
    details: ['列出已过截止时间仍未报送整改情况的任务和逾期工作日数。'],
  },
  done: {
    summary: '标记整改情况已报送，停止提醒',
    usage: '/done <单位或条目>',
    details: ['由本群管理员或该单位登记的联系人发送。', '例：/done 福建省教育厅　/done 平潭政务'],
  },
  sub: {
    summary: '本群关注地区或单位（管理员）',
    usage: '/sub <地区或单位>',
    details: [
      '关注后，每次导入新一期检查结果，本群都会收到范围内的不合格项提醒，并@责任单位联系人。',
      '关注地级市即含其下辖区县，关注全省即含全部地区和省直部门。',
      '例：/sub 福州　/sub 福建省教育厅',
    ],
  },
  unsub: {
    summary: '取消关注地区或单位（管理员）',
    usage: '/unsub <地区或单位>',
    details: ['例：/unsub 福州'],
  },
  subs: {
    summary: '查看本群关注的地区和单位',
    usage: '/subs',
    details: [],
  },
  status: {
    summary: '查看发送队列、发送失败的消息和最近导入',
    usage: '/status',
    details: ['显示待发送消息数和最早一条的等待时间、需处理的发送失败消息、最近一次导入和计划任务。'],
  },
  retry: {
    summary: '重新发送本群发送失败的消息（管理员）',
    usage: '/retry',
    details: ['先修正机器人配置（key、access_token、加签密钥或关键词），再发送 /retry。'],
  },
  chart: {
    summary: '把排名或走势画成图片发到群里',
    usage: '/chart [地区] [网站|新媒体] [期次]，/chart trend [地区]',
    details: [
      '排名图：该地区下级各地区的不合格率，由高到低；不写类别时政府网站和政务新媒体并排。',
      '走势图：最近8期（同一通报系列）的合格率。',
      '图中数字与 /rate、/rank 一致；演示数据标有“示例数据”。',
      '例：/chart 福建　/chart 福州 新媒体　/chart trend 福州',
    ],
  },
  trend: {
    summary: '查看地区历次检查的合格率走势',
    usage: '/trend [地区]',
    details: [
      '列出最近8期（同一通报系列）政府网站和政务新媒体的合格率及升降。',
      '例：/trend 福州　/trend 平潭',
    ],
  },
  repeat: {
    summary: '列出连续两期及以上不合格的网站和政务新媒体',
    usage: '/repeat [地区] [期次]',
    details: ['按连续不合格期数排列，并注明自哪一期起不合格。', '例：/repeat　/repeat 福州 2020Q2'],
  },
  audit: {
    summary: '查看最近的变更记录（管理员）',
    usage: '/audit [条数]',
    details: ['列出导入、订阅、整改标记、截止日期和重发等变更：谁、在哪个群、何时、改了什么。默认10条，最多50条。'],
  },
  whoami: {
    summary: '查看自己的账号和本群的会话ID',
    usage: '/whoami',
    details: [
      '回答您在本平台的账号（企业微信 userid 或钉钉 userId）和本群的会话ID（chatid 或 conversationId）。',
      '把账号告诉管理员登记到 groups.json 的 admins 或单位名册，提醒才能@到您；把会话ID登记到 groups.json 的群配置中。',
    ],
  },
  probe: {
    summary: '查看站点按单项否决规则的监测情况',
    usage: '/probe [站点|单位|地区]',
    details: [
      '一个站点：站点无法访问（本周尝试、失败次数和剩余额度）、首页不更新、栏目不更新、空白栏目，逐项列出数字。',
      '单位或地区：其下各站点一行，最接近否决的在前。不写时为本群关注的范围（或本地区）。',
      '例：/probe 福州市人民政府网　/probe 福州市教育局　/probe 福州',
    ],
  },
  watch: {
    summary: '列出最接近单项否决的站点',
    usage: '/watch [地区]',
    details: [
      '按各规则离否决的远近排序，每个站点一行写明原因。不写地区时为本群关注的范围（或本地区）。',
      '接近否决时，机器人也会在关注该单位或地区的群里提前预警并@单位联系人，每个站点每条规则每天至多一次；恢复正常时告知一次。',
      '例：/watch　/watch 福州',
    ],
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
  textOnly: '目前只能识别文字命令，请＠我并输入命令，例如 /rate 福州。',
  /** A picture, voice or video: nothing to read in it. */
  mediaNotRead:
    '图片、语音和视频中的文字无法读取：导入通报请发送文件（.docx、.pdf、.txt、.html 或 .xlsx、.csv 表格），或粘贴通报全文。',
  /** A quoted message whose content the platform did not pass on (DingTalk unknownMsgType). */
  quotedUnknown: '收到的引用消息中没有可下载的文件：请把文件单独发给机器人（私聊），或粘贴通报全文。',
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
  noDataForRegion: (region: string) => `${region}：该地区暂无检查数据`,
  regionsWithData: (regions: string[]) => `有检查数据的地区：${regions.join('、')}`,
  importHint: '导入该地区的检查通报：npm run import -- <通报文件> --apply',
  sampleTag: '（示例数据）',
  sampleTitle: (title: string) => `【示例数据】${title}`,
  sampleLine: (round: string) =>
    `示例数据：以下内容来自系统自带的示例通报（${round}），仅供演示；导入其他地区的检查通报后即不再使用。`,

  rateTitle: (region: string, period: string) => `${region} ${period}检查情况`,
  notListed: (region: string, shown: string) => `本期通报未单列${region}，以下为${shown}的数据。`,
  summedFromChildren: '（由下级地区数据合计）',
  channelLine: (ch: string, total: number | undefined, checked: number, failed: number, pass: string, fail: string) =>
    `${ch}：${total !== undefined ? `运行${total}个，` : ''}检查${checked}个，不合格${failed}个；合格率${pass}，不合格率${fail}`,
  channelRateOnly: (ch: string, total: number | undefined, checked: number | undefined, rate: string) =>
    `${ch}：${total !== undefined ? `运行${total}个，` : ''}${checked !== undefined ? `检查${checked}个，` : ''}${rate}（通报只给出比例，未列不合格数）`,
  channelMissing: (ch: string) => `${ch}：本期无数据`,
  changeLine: (prev: string, parts: string[]) => `较上期（${prev}）：${parts.join('；')}`,
  changeUp: (ch: string, pts: string) => `${ch}合格率上升${pts}个百分点`,
  changeDown: (ch: string, pts: string) => `${ch}合格率下降${pts}个百分点`,
  changeSame: (ch: string) => `${ch}合格率持平`,
  noPrevious: '较上期：暂无上期数据可比。',
  vetoLine: (items: string[]) => `单项否决：${items.join('；')}`,
  vetoNone: '单项否决：无',
  vetoUnstated: (n: number) => `另有${n}个不合格通报未注明问题（见 /fail）`,
  vetoUnstatedOnly: (n: number) => `通报未注明问题，${n}个不合格（见 /fail）`,
  sourceLine: (issuer: string, issued: string | undefined, deadline: string | undefined) =>
    `来源：${issuer}${issued ? `（${issued}印发）` : ''}${deadline ? `；整改情况报送截止${deadline}` : ''}`,

  rankTitle: (scope: string, period: string, channel?: string) =>
    `${scope} ${period}各地区${channel ?? ''}不合格率排名`,
  rankSection: (ch: string) => `【${ch}】`,
  rankRow: (rank: number, region: string, rate: string, failed: number, checked: number) =>
    `${rank}. ${region}　不合格率${rate}（${failed}/${checked}）`,
  rankRest: (n: number) => `其余${n}个地区不合格率为0。`,
  rankEmpty: '本期没有可排名的地区数据。',

  failTitle: (region: string, period: string) => `${region} ${period}不合格名单`,
  failNone: (region: string) => `${region}本期政府网站和政务新媒体均合格。`,
  failNoneUnit: (unit: string) => `${unit}本期没有不合格的网站和政务新媒体。`,
  unitRegion: (unit: string, region: string) => `${unit}属于${region}，以下为${region}的检查情况。`,
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

/** Rectification tasks, deadline reminders, /done, /deadline, /overdue (issue 6). */
export const taskText = {
  weekdays: ['周日', '周一', '周二', '周三', '周四', '周五', '周六'],
  date: (y: number, m: number, d: number, weekday: string) => `${y}年${m}月${d}日（${weekday}）`,
  notConfigured: '整改任务提醒功能未启用。',
  channelTag: (ch: string) => `【${ch}】`,

  reminderTitleBefore: (unit: string) => `整改提醒：${unit}`,
  reminderTitleDayOf: (unit: string) => `今日截止：${unit}`,
  reminderTitleOverdue: (unit: string) => `整改逾期：${unit}`,
  reminderItem: (period: string, tag: string, subject: string, problem: string) =>
    `${period}检查发现${tag}${subject}：${problem}`,
  leftLine: (deadline: string, n: number) => `整改情况报送截止${deadline}，还剩${n}个工作日。`,
  dayOfLine: (deadline: string) => `今天是整改情况报送截止日（${deadline}），请按时报送。`,
  overdueLine: (deadline: string, n: number) => `整改情况报送截止${deadline}，已逾期${n}个工作日。`,
  lateTodayLine: (deadline: string) => `整改情况报送截止${deadline}，已过截止时间。`,
  escalateLine: '逾期多日，请管理员督办。',
  reportTo: (to: string) => `报送至：${to}。`,
  doneHint: (unit: string) => `报送后请在群里发送：/done ${unit}`,
  reminderListHead: (period: string | undefined, n: number) => `${period ?? ''}检查发现${n}项问题：`,
  reminderListItem: (i: number, period: string | undefined, tag: string, subject: string, problem: string) =>
    `${i}. ${period ? `${period}：` : ''}${tag}${subject}：${problem}`,
  doneHintList: (unit: string, item: string) =>
    `全部报送后请在群里发送：/done ${unit}；单项报送后发送该项名称，例：/done ${item}`,
  reminderPart: (k: number, n: number) => `（${k}/${n}）`,
  noContactsShort: (unit: string) => `（${unit}尚未登记联系人，未能@到责任人，见本轮第一条提醒。）`,
  noContacts: (unit: string) =>
    `${unit}尚未登记联系人，本提醒无法@到责任人。请管理员把${unit}负责整改的同志拉进本群，并在单位名册中登记其手机号或企业微信、钉钉账号。`,

  deadlineTitle: (n: number) => `未完成的整改任务（${n}项）`,
  deadlineNone: '没有未完成的整改任务。',
  overdueTitle: (n: number) => `逾期的整改任务（${n}项）`,
  overdueNone: '没有逾期的整改任务。',
  roundHeading: (period: string) => `【${period}】`,
  taskLine: (i: number, unit: string, subject: string, status: string) =>
    unit === subject ? `${i}. ${unit}：${status}` : `${i}. ${unit}（${subject}）：${status}`,
  statusLeft: (deadline: string, n: number) => `截止${deadline}，还剩${n}个工作日`,
  statusToday: (deadline: string) => `今天截止（${deadline}）`,
  statusLate: (deadline: string, n: number) => `截止${deadline}，已逾期${n}个工作日`,
  statusLateToday: (deadline: string) => `已过截止时间（${deadline}）`,
  statusLateLong: (deadline: string, span: string) => `截止${deadline}，已逾期${span}`,
  spanMonths: (n: number) => `${n}个多月`,
  spanYears: (n: number) => `${n}年多`,
  statusNoDeadline: '未设截止日期，不提醒',
  statusUnknownDays: (deadline: string, year: number) =>
    `截止${deadline}；${year}年节假日安排未录入，无法计算工作日`,
  calendarGap: (years: number[]) =>
    `日历缺少${years.join('、')}年的节假日安排，相关提醒暂停。请管理员在数据目录的 calendar.json 中补充（见 README“Deadline reminders”）。`,

  doneUsage: '用法：/done <单位或条目>，例：/done 福建省教育厅',
  doneUnknown: (text: string) => `未找到未完成的整改任务“${text}”。`,
  doneOpenUnits: (names: string[]) => `未完成的单位：${names.join('、')}`,
  doneAlready: (unit: string, at: string, by: string) => `${unit}已于${at}由${by}标记为已报送。`,
  doneAmbiguous: (text: string, units: string[]) =>
    `“${text}”对应多个单位：${units.join('、')}。请写出单位全称。`,
  doneNotAllowed: (unit: string) => `只有本群管理员或${unit}登记的联系人可以标记整改已报送。`,
  doneWhoMay: (names: string[]) => `可以标记的人：${names.join('、')}`,
  doneNobody: (unit: string) =>
    `本群未登记管理员，${unit}也未登记联系人。请在 groups.json 的 admins 或单位名册中登记后再试。`,
  doneTitle: (unit: string) => `已记录：${unit}整改情况已报送`,
  doneItem: (tag: string, subject: string, problem: string) => `${tag}${subject}：${problem}`,
  doneStopped: (n: number, by: string) => `由${by}确认，已停止这${n}项的提醒。`,
  someone: '（未署名）',
  actor: (name: string, id: string) => `${name}（${id}）`,
  unnamed: '未登记姓名',
  doneNotFollowed: (group: string, unit: string) =>
    `${group}未关注${unit}，不能在本群标记。请由关注该单位的群的管理员或${unit}登记的联系人标记。`,

  setUsage:
    '用法：/deadline set <期次> [单位] <日期> [时间]，例：/deadline set 2020Q1 2020-04-17　/deadline set 2020Q1 平潭综合实验区管委会 2020-04-20 17:00',
  setNotAllowed: '只有群管理员可以设置截止日期。',
  setNoRound: (period: string) => `没有${period}的检查通报。`,
  setBadDate: (text: string) => `无法识别的日期“${text}”，请写成 2020-04-17。`,
  setBadTime: (text: string) => `无法识别的时间“${text}”，请写成 17:00。`,
  setUnknownUnit: (period: string, text: string) => `${period}没有“${text}”的整改任务。`,
  setOutOfScope: (period: string, text: string) => `本群关注范围内没有${period}“${text}”的整改任务；其他单位的截止时间请由关注它的群设置。`,
  setNothingInScope: (period: string) => `本群关注范围内没有${period}的整改任务。`,
  setUnitsDone: (period: string, units: string[], deadline: string) =>
    `已将本群关注的${units.join('、')}的${period}整改情况报送截止时间设为${deadline}。`,
  doneOutOfScope: (text: string) => `“${text}”不在本群关注范围内，请在关注它的群里标记。`,
  setRoundDone: (period: string, deadline: string) => `已将${period}整改情况报送截止时间设为${deadline}。`,
  setUnitDone: (period: string, unit: string, deadline: string) =>
    `已将${unit}的${period}整改情况报送截止时间设为${deadline}。`,
  setRemindersFollow: '提醒将按新的截止时间重新安排。',
};

// ——— Alerts and the outbox (issue 5) ———

/** Added to a message sent again after a restart interrupted its first send (bot/outbox/drain.ts). */
export const resentNote = '（重发：上次发送结果未能确认，如已收到请忽略）';

/** Mentions past a message's share for them (the encode.ts of each platform). */
export const mentionText = {
  more: (n: number) => `等另外${n}人`,
};

/** Failure alerts (bot/alerts/compose.ts). */
export const alertText = {
  title: (period: string, n: number) =>
    n > 0 ? `【检查结果】${period}本群关注范围内${n}项不合格` : `【检查结果】${period}整改情况`,
  part: (k: number, n: number) => `（${k}/${n}）`,
  source: (issuer: string, deadline: string | undefined) =>
    `来源：${issuer}${deadline ? `；整改情况报送截止${deadline}` : ''}`,
  website: '网站',
  newmedia: '政务新媒体',
  item: (
    n: number,
    what: string,
    subject: string,
    problem: string,
    veto: string,
    unit: string | undefined,
    repeat: string,
  ) =>
    `${n}. 【${what}】${subject}：${problem}${veto}${unit && unit !== subject ? `（责任单位：${unit}）` : ''}${repeat}`,
  veto: '（单项否决）',
  streak: (n: number) => `【连续${n}期不合格】`,
  recoveredHeading: '上期不合格、本期已合格：',
  recoveredLine: (what: string, subject: string) => `【${what}】${subject}：上期不合格，本期已合格`,
  allClearTitle: (period: string) => `【检查结果】${period}本群关注范围内无不合格项`,
  allClearLine: (issuer: string) => `来源：${issuer}。`,
};

/** /sub, /unsub, /subs (handlers/sub.ts). */
export const subText = {
  notConfigured: '订阅功能未启用。',
  needGroup: '请在已登记的群里使用订阅命令。',
  notAdmin: '抱歉，只有本群管理员可以修改订阅。',
  askAdmins: (names: string[]) => `如需调整，请联系：${names.join('、')}。`,
  noAdmins: '本群尚未登记管理员，请联系运维人员在 groups.json 中添加。',
  subUsage: '用法：/sub <地区或单位>，例：/sub 福州　/sub 福建省教育厅',
  unsubUsage: '用法：/unsub <地区或单位>，例：/unsub 福州',
  changedTitle: (group: string) => `${group}：订阅已更新`,
  added: (name: string) => `已关注${name}。`,
  alreadyFollowing: (name: string) => `本群已关注${name}，无需重复订阅。`,
  removed: (name: string) => `已取消关注${name}。`,
  notFollowing: (name: string) => `本群未关注${name}。`,
  regionWithChildren: (name: string) => `${name}（含下辖地区）`,
  unit: (name: string) => `单位“${name}”`,
  listTitle: (group: string) => `${group}的订阅`,
  regionsLine: (names: string[]) => `关注地区：${names.join('、')}`,
  noRegions: '关注地区：无',
  unitsLine: (names: string[]) => `关注单位：${names.join('、')}`,
  noUnits: '关注单位：无',
  allClearOn: '本期关注范围内无不合格项时也会通知。',
  allClearOff: '本期关注范围内无不合格项时不另行通知。',
};

/** /status and /retry (handlers/status.ts, handlers/retry.ts). */
export const statusText = {
  title: '运行状态',
  noOutbox: '消息发送队列未启用。',
  queue: (n: number, age: string) => `待发送：${n}条，最早一条已等待${age}`,
  queueEmpty: '待发送：0条',
  sent: (n: number) => `已发送：${n}条`,
  noDead: '发送失败（需处理）：无',
  noDeadHere: '本群发送失败（需处理）：无',
  deadHeading: (n: number) => `发送失败（需处理）：${n}条`,
  deadLine: (title: string, group: string | undefined, hint: string, reason: string) =>
    `• ${group ? `[${group}] ` : ''}${title}：${hint}（${reason}）`,
  deadMore: (n: number) => `……另有${n}条`,
  retryHint: '修正配置后，管理员发送 /retry 重新发送。',
  noHint: '发送被平台拒绝',
  /** Permanent errcodes (protocols.md §1.5, §4.4) and what to fix. */
  hints: {
    93000: '企业微信机器人 key 无效，请检查 groups.json 中的 robot.key',
    40058: '消息超过企业微信长度限制',
    310000: '钉钉安全设置校验失败（加签密钥、关键词或 IP 白名单）',
    300001: '钉钉 access_token 无效，请检查 groups.json',
    300005: '钉钉 access_token 不存在，请检查 groups.json',
    400101: '钉钉 access_token 不存在，请检查 groups.json',
    400013: '钉钉群已解散',
    400102: '钉钉机器人已停用',
    400106: '钉钉机器人不存在',
    460101: '消息超过钉钉长度限制',
  } as Record<number, string>,
  lastImport: (round: string, at: string, source: string) => `最近导入：${round}（${at}，${source}）`,
  noImport: '最近导入：无',
  jobs: (items: string[]) => `计划任务：${items.join('；')}`,
  job: (name: string, at: string) => `${name} ${at}`,
  noJobs: '计划任务：无',
  minutes: (m: number) => `${m}分钟`,
  hours: (h: number, m: number) => `${h}小时${m}分钟`,
  days: (d: number, h: number) => `${d}天${h}小时`,
  retryNotAdmin: '抱歉，只有本群管理员可以重新发送失败的消息。',
  retryNeedGroup: '请在已登记的群里使用 /retry。',
  retried: (n: number) => `已将${n}条发送失败的消息重新排队，将按频率限制依次发送。`,
  nothingToRetry: '没有需要重新发送的消息。',
  drainJob: '消息发送',
  reminderJob: '整改提醒扫描',
  probeWarnJob: '站点监测预警评估',
  probeJob: '站点探测',
  readOnly: '（以上发送队列情况读自数据目录，由运行中的机器人负责发送和重发。）',
};

/** `npm run jobs` (bot/cli/jobs.ts). */
export const jobsText = {
  usage: '用法：npm run jobs -- reminders [--now <ISO时间>] --dry-run',
  unknownJob: (job: string) => `没有名为“${job}”的任务；可用：reminders、probe`,
  unknownArg: (arg: string) => `无法识别的参数“${arg}”`,
  badNow: (text: string) => `--now 的时间无法识别：${text}（例：2020-04-15T09:00:00+08:00）`,
  dryRunOnly: '只能预览（--dry-run）：提醒由运行中的机器人每5分钟扫描并发送，数据文件只允许一个进程写入。',
  header: (iso: string) => `提醒预览（${iso}），不会发送，也不会记录：`,
  to: (group: string, id: string, step: string) => `→ ${group}（${id}）［${step}］`,
  noFollowers: (unit: string, step: string) => `（${unit}［${step}］：没有群关注该单位或地区，不发送）`,
  gap: (unit: string, deadline: string, years: number[]) =>
    `⚠ ${unit}（截止${deadline}）：日历缺少${years.join('、')}年的节假日安排，这些年份的提醒暂停；请在 calendar.json 中补充。`,
  total: (n: number) => `共${n}条提醒。`,
};

/** History across rounds: /trend, /repeat and “failing since” in /fail (data/history.ts). */
export const historyText = {
  trendTitle: (region: string) => `${region} 合格率走势`,
  trendRow: (period: string, parts: string[]) => `${period}　${parts.join('　')}`,
  trendCell: (ch: string, rate: string, failed: number | undefined, checked: number | undefined, arrow: string) =>
    `${ch}${rate}${arrow}${failed !== undefined && checked !== undefined ? `（不合格${failed}/${checked}）` : ''}`,
  trendMissing: (ch: string) => `${ch}—`,
  up: '↑',
  down: '↓',
  same: '',
  trendSummary: (ch: string, from: string, to: string, n: number) =>
    from === to ? `${ch}：近${n}期持平（${to}）` : `${ch}：近${n}期由${from}变为${to}`,
  trendSingle: '仅有一期数据，暂无走势可比。',
  repeatTitle: (region: string, period: string) => `${region} ${period}连续不合格名单`,
  repeatNone: (region: string) => `${region}本期没有连续两期及以上不合格的网站和政务新媒体。`,
  repeatItem: (i: number, tag: string, subject: string, problem: string, rounds: number, since: string) =>
    `${i}. 【${tag}】${subject}：${problem}（连续${rounds}期，自${since}起）`,
  repeatNoPrevious: '本期之前没有同一系列的通报，无法判断是否连续不合格。',
  website: '网站',
};

/** Answers at national scale, where lists run to thousands (issue 7). */
export const scaleText = {
  vetoMore: (n: number) => `等${n}项（发送 /fail 查看名单）`,
};

/** `npm run migrate` (bot/cli/migrate.ts): copying a store between lowdb and PostgreSQL. */
export const migrateText = {
  usage: '用法：npm run migrate -- --to postgres [--from <数据目录>]，或 --to lowdb [--into <数据目录>]（数据库由 DATABASE_URL 指定）',
  unknownArg: (arg: string) => `无法识别的参数“${arg}”`,
  needUrl: '请先设置 DATABASE_URL（例：postgres://用户:密码@主机:5432/数据库）。',
  targetNotEmpty: (where: string, what: string) => `目标${where}已有数据（${what}），未复制任何内容；请换一个空的数据库或目录。`,
  database: '数据库',
  directory: (dir: string) => `目录 ${dir} `,
  copied: (to: string) => `已复制到${to}：`,
  line: (what: string, n: number) => `  ${what}：${n}`,
  what: {
    regions: '地区',
    units: '单位',
    sites: '网站',
    accounts: '新媒体账号',
    rounds: '检查期次',
    seen: '已处理的消息id（48小时内）',
    subscriptions: '改过订阅的群',
    tasks: '整改任务记录（已报送、已提醒、改过的期限）',
    outbox: '推送消息（含已发送、待发送、失败）',
    pendingImports: '待确认的群内导入',
    audit: '变更记录（审计）',
  },
};

/** /whoami (handlers/whoami.ts). */
export const whoamiText = {
  title: '您的账号',
  platform: (p: string) => `平台：${p === 'wecom' ? '企业微信' : p === 'dingtalk' ? '钉钉' : '终端'}`,
  wecomId: (id: string) => `企业微信 userid：${id}`,
  dingtalkId: (id: string) => `钉钉 userId：${id}`,
  noId: '消息未带账号（钉钉组织外用户没有 userId），请用手机号登记。',
  name: (n: string) => `姓名：${n}`,
  chat: (platform: string, id: string) =>
    platform === 'wecom' ? `本群 chatid：${id}` : `本群 conversationId：${id}`,
  privateChat: '这是单聊，没有群会话ID。',
  declared: (name: string, id: string) => `本群已登记：${name}（${id}）`,
  undeclared: '本群尚未在 groups.json 中登记；请把上面的会话ID告诉运维人员（见 README“Groups”）。',
  admin: '您是本群管理员。',
  notAdmin: (names: string[]) =>
    names.length > 0 ? `您不是本群管理员；管理员：${names.join('、')}。` : '本群尚未登记管理员。',
  register:
    '要让提醒@到您，请把上面的账号交给管理员，登记到单位名册（企业微信账号、钉钉账号列）或 groups.json 的 admins。',
};

/** The one-writer rule (issue 11): how a CLI reaches the running bot, and why it may not. */
export const writerText = {
  viaBot: (pid: number) => `（经由运行中的机器人 pid ${pid} 执行）`,
  secretUnreadable: (file: string) =>
    `机器人正在运行，但读不到它的管理密钥 ${file}（仅机器人的运行用户可读）。请以运行机器人的用户执行本命令。`,
  botUnreachable: (pid: number, reason: string) =>
    `机器人（pid ${pid}）正在运行，但无法通过本机管理端口联系它（${reason}）。请稍后重试，或查看机器人的日志。`,
  botRefused: (status: number, message: string) => `机器人拒绝了这个请求（HTTP ${status}）：${message}`,
  otherHost: (holder: string) =>
    `数据目录由另一台主机上的进程写入：${holder}。命令只能在那台主机上执行，以便经由它的机器人写入。`,
};

/** Site probing (issue 16): each veto rule's standing with the numbers behind it. */
const levelWord = { ok: '正常', warn: '预警', veto: '已触发否决', unknown: '数据不足' } as const;
export const probeText = {
  level: (l: keyof typeof levelWord) => levelWord[l],
  site: (name: string, url: string) => `【${name}】${url}`,
  unreachable: (
    l: keyof typeof levelWord,
    w: { from: string; to: string; tries: number; failed: number; blocked: number; counts: boolean },
    short: { date: string; tries: number }[],
    b: { failed: number; blocked: number; remaining: number },
  ) =>
    [
      `站点无法访问：${levelWord[l]}。`,
      `上周（${w.from}至${w.to}）尝试${w.tries}次，失败${w.failed}次（${pct(w.failed, w.tries)}，≥5%否决）`,
      w.blocked ? `，被防火墙拦截${w.blocked}次` : '',
      w.counts ? '' : `；${short.map((d) => `${d.date.slice(5)}仅${d.tries}次`).join('、')}，不足每天20次，该周不计`,
      `；本周已失败${b.failed}次，再失败${b.remaining}次将触发单项否决`,
      b.blocked ? `；近7天被防火墙拦截${b.blocked}次（不计为无法访问，请将监测地址加入白名单）` : '',
      '。',
    ].join(''),
  homepage: (
    l: keyof typeof levelWord,
    newest: string | undefined,
    age: number | undefined,
    unread: boolean,
    viaColumns = false,
  ) =>
    unread
      ? `首页不更新：${levelWord[l]}（首页尚未读取）。`
      : newest === undefined
        ? `首页不更新：${levelWord[l]}（首页信息均无日期、各栏目也无日期信息，按未更新计）。`
        : viaColumns
          ? `首页不更新：${levelWord[l]}（首页无带日期的信息，按二级栏目计：最新信息${newest}，已${age}天未更新；满14天否决）。`
          : `首页不更新：${levelWord[l]}（最新信息${newest}，已${age}天未更新；满14天否决）。`,
  columns: (l: keyof typeof levelWord, stale: number, nearing: number, longStale: number, details: string[]) =>
    `栏目不更新：${levelWord[l]}（超期的动态/要闻、通知公告/政策文件栏目${stale}个，满5个否决；临近超期${nearing}个；` +
    `各自周期内未更新的栏目共${longStale}个，满10个否决）${details.length ? `：${details.join('；')}` : ''}。`,
  columnLine: (
    name: string,
    state: string,
    age: number | undefined,
    period: number | undefined,
    daysLeft?: number,
    why?: string,
  ) => {
    if (state === 'unread') return `${name}未能读取（${why === 'robots' ? 'robots.txt 不允许' : (why ?? '')}）`;
    if (state === 'blank') return `${name}为空白栏目`;
    if (age === undefined) return `${name}条目均无日期，按未更新计`;
    if (state === 'nearing') return `${name}已${age}天未更新，再过${daysLeft}天超期`;
    if (state === 'stale') return `${name}已${age}天未更新（周期${period}天）`;
    return `${name}${age}天前更新`;
  },
  blank: (l: keyof typeof levelWord, n: number, names: string[]) =>
    `空白栏目：${levelWord[l]}（${n}个，满5个否决）${names.length ? `：${names.join('、')}` : ''}。`,
  /** One rule's reason in one line (/watch, /probe summaries, early warnings). */
  reasonUnreachable: (
    l: keyof typeof levelWord,
    week: { tries: number; failed: number },
    budget: { failed: number; remaining: number },
  ) =>
    l === 'veto'
      ? `站点无法访问：上周尝试${week.tries}次，失败${week.failed}次（${pct(week.failed, week.tries)}），已达单项否决（≥5%）`
      : `站点无法访问：本周已失败${budget.failed}次，再失败${budget.remaining}次将触发单项否决`,
  reasonHomepage: (l: keyof typeof levelWord, age: number | undefined, daysLeft: number | undefined) =>
    l === 'unknown'
      ? '首页不更新：首页尚未读取'
      : age === undefined
        ? '首页不更新：首页及栏目信息均无日期，按未更新计，已达单项否决'
        : l === 'veto'
          ? `首页不更新：已${age}天未更新，已达单项否决（满14天）`
          : `首页不更新：已${age}天未更新，再过${daysLeft ?? 0}天将触发单项否决`,
  reasonColumns: (stale: number, longStale: number, nearing: string[]) =>
    `栏目不更新：超期栏目${stale}个（满5个否决）` +
    (longStale > stale ? `，各自周期内未更新${longStale}个（满10个否决）` : '') +
    (nearing.length ? `；${nearing.join('；')}` : ''),
  reasonNearing: (name: string, age: number, daysLeft: number) => `${name}已${age}天未更新，再过${daysLeft}天超期`,
  reasonBlank: (n: number, names: string[]) =>
    `空白栏目：${n}个（满5个否决）${names.length ? `：${names.slice(0, 5).join('、')}${names.length > 5 ? '等' : ''}` : ''}`,
  /** The rule's name alone, as recoveries name it. */
  ruleName: {
    unreachable: '站点无法访问',
    'homepage-stale': '首页不更新',
    'columns-stale': '栏目不更新',
    'columns-blank': '空白栏目',
  } as Record<string, string>,
  levelMark: (l: keyof typeof levelWord) => (l === 'veto' ? '【已达否决】' : l === 'warn' ? '【预警】' : ''),
  dryHeader: (iso: string) => `站点监测预览（${iso}），每个站点探测首页一次并读取栏目，不写入数据：`,
  noSites:
    '登记册中没有登记了网址的网站：请导入网站名册（含“网址”列，栏目见“栏目名册”表，data/templates/README.md），或用 --sites <文件.json> 指定。',
  badSites: (file: string, why: string) => `站点文件 ${file} 无法读取：${why}`,
  usage: '用法：npm run jobs -- probe [--now <ISO时间>] --dry-run [--sites <站点.json>]',
  warnOff: '运行中的机器人未开启站点监测（PROBE=on），没有评估预警。',
  warnUsage: '用法：npm run jobs -- probe-warn [--now <ISO时间>] [--dry-run]',

  // /probe and /watch (handlers/probe.ts)
  off: '站点监测未开启（运维人员在配置中设置 PROBE=on 后，机器人开始按单项否决规则探测登记的网站）。',
  offWithData: '站点监测现已关闭，以下为关闭前最后一次探测的数据。',
  notYet: (what: string) => `站点监测已开启，但${what}尚未探测过：首次探测后再查（首页每天约24次，栏目每天读取一次）。`,
  noSitesAtAll: '尚未登记任何有网址的网站。网站和栏目在网站名册、栏目名册中登记（见 data/templates/README.md）。',
  noSitesIn: (what: string) => `${what}没有登记了网址的网站。网站和栏目在网站名册、栏目名册中登记（见 data/templates/README.md）。`,
  unknownTarget: (text: string) => `未找到站点、单位或地区“${text}”`,
  unknownHint: '请写网站名称（如“福州市人民政府网”）、单位名称或地区名称。',
  allSites: '全部登记网站',
  probeTitle: (name: string) => `站点监测：${name}`,
  probeSummaryTitle: (what: string, n: number) => `站点监测：${what}（${n}个网站）`,
  siteUnit: (unit: string | undefined, region: string | undefined) =>
    [unit ? `主办单位：${unit}` : '', region ? `地区：${region}` : ''].filter(Boolean).join('　'),
  readAt: (at: string) => `栏目最近读取：${at}`,
  summaryLine: (n: number, name: string, mark: string, reason: string, more: number) =>
    `${n}. ${name}${mark}${reason}${more > 0 ? `（另有${more}项预警）` : ''}`,
  unprobedLine: (n: number, name: string) => `${n}. ${name}：尚未探测`,
  more: (n: number) => `…另有${n}个`,
  sameName: (name: string, n: number) => `有${n}个网站名为“${name}”，分别列出：`,
  watchTitle: (what: string) => `接近单项否决的站点：${what}`,
  watchNone: (n: number) => `已探测的${n}个网站均未接近单项否决。`,
  watchNearest: (name: string, reason: string) => `相对最接近的是：${name}，${reason}。`,
  watchFoot: '按各规则离否决的远近排序；/probe <站点> 查看详细数字。',

  // Early warnings and recoveries (bot/probe/warn.ts), through the outbox
  warnTitle: (n: number) => `站点监测预警：${n}项`,
  warnHead: '以下网站按监测已接近或达到单项否决条件，请在检查前整改：',
  warnItem: (n: number, site: string, unit: string | undefined, mark: string, reason: string) =>
    `${n}. ${site}${unit ? `（${unit}）` : ''}${mark}${reason}`,
  recoveredTitle: (n: number) => `站点监测：${n}项已恢复正常`,
  recoveredHeading: '已恢复正常：',
  recoveredItem: (site: string, rule: string) => `${site}：${rule}已恢复正常`,
  warnPart: (k: number, n: number) => `（${k}/${n}）`,
  warnDryHeader: (iso: string) => `站点监测预警预览（${iso}），不写入、不发送：`,
  warnTo: (group: string, id: string) => `→ ${group}（${id}）`,
  warnNoFollowers: (site: string, rule: string) => `（${site} ${rule}：没有群关注该单位或地区）`,
  warnTotal: (n: number) => `共${n}条消息。`,
  warnQueued: (n: number) => `已加入发送队列${n}条消息。`,
};

function pct(n: number, d: number): string {
  return d ? `${((n / d) * 100).toFixed(1)}%` : '—';
}

/** /audit (handlers/audit.ts). */
export const auditText = {
  title: (n: number) => `最近${n}条变更记录`,
  none: '暂无变更记录。',
  usage: '用法：/audit [条数]，例：/audit 20',
  notAdmin: '抱歉，只有管理员可以查看变更记录。',
  askAdmins: (names: string[]) => `如需查看，请联系：${names.join('、')}。`,
  platform: (p: string) => (p === 'cli' ? '服务器终端' : p === 'api' ? '检查系统接口' : p),
  line: (at: string, group: string | undefined, who: string, action: string, what: string) =>
    `${at}${group ? ` [${group}]` : ''} ${who}：${action}${what ? ` ${what}` : ''}`,
};

/** Importing a notice pasted in the chat (handlers/import.ts). */
export const chatImportText = {
  usage: '用法：把通报全文发给机器人，或发送“/import 通报全文”。预览后发送 /apply 导入，/cancel 放弃。',
  notConfigured: '本机器人未开启群内导入，请在服务器上用 npm run import 导入。',
  notAdmin: '抱歉，只有管理员可以导入通报。',
  askAdmins: (names: string[]) => `如需导入，请联系：${names.join('、')}。`,
  noAdmins: '本群尚未登记管理员，请联系运维人员在 groups.json 中添加。',
  refused: '无法导入这段文字：',
  issuerHow: '在群里指定发文地区：发送“/import --issuer <地区>”，换行后粘贴通报全文（例如 /import --issuer 云霄县）。',
  issuerHowFile:
    '在群里指定发文地区：引用这个文件并发送“/import --issuer <地区>”（例如 /import --issuer 云霄县），或发送“/import --issuer <地区>”后换行粘贴通报全文。',
  previewTitle: (key: string) => `导入预览：${key}`,
  applyHint: (minutes: number) => `以上为预览，尚未写入。${minutes}分钟内发送 /apply 导入，发送 /cancel 放弃。`,
  applyReplaceHint: (minutes: number) =>
    `以上为预览，尚未写入。替换会删去已导入的不合格项或地区：确认替换请在${minutes}分钟内发送“/apply replace”，发送 /cancel 放弃。`,
  needReplace: '这次导入会删去已导入的不合格项或地区。确认替换请发送“/apply replace”，或发送 /cancel 放弃。',
  willRefuse: '　⚠ 这次替换会去掉不合格项或地区：须发送“/apply replace”才会执行。',
  nothingPending: '没有待确认的导入。请先把通报全文发给机器人。',
  nothingOfYours: '你没有待确认的导入（预览由谁发起，就由谁发送 /apply 确认）。本群待确认的：',
  othersPending: (who: string, key: string) => `${who}：${key}`,
  anotherAdmin: '另一位管理员',
  expired: (minutes: number) => `预览已超过${minutes}分钟，导入已作废。请重新发送通报全文。`,
  cancelled: (key: string) => `已放弃导入 ${key}，没有写入。`,
  applied: (key: string) => `已导入 ${key}，告警和整改提醒随后发出。`,
  replaced: (key: string) => `已用新内容替换 ${key}，告警和整改提醒随后发出。`,
  unchanged: (key: string) => `${key} 与已导入的内容相同，没有改动。`,
  source: (who: string, at: string) => `群聊导入（${who}，${at}）`,
  // Files sent in the chat (handlers/import-file.ts).
  unnamedFile: '（未命名文件）',
  fileRead: (name: string) => `已读取文件“${name}”。`,
  fileNotRead: (name: string) => `无法导入文件“${name}”`,
  fileProblem: {
    too_large: (limit: number) =>
      `文件超过${Math.round(limit / 1024 / 1024)} MB，机器人不接收这么大的文件：请确认选对了文件，或在服务器上用 npm run import 导入。`,
    timeout: '文件下载超时，没有导入：请稍后重新发送。',
    expired: '文件的下载链接已失效：请重新发送文件。',
    unavailable: '暂时无法从平台下载文件：请稍后重新发送。',
    refused: '平台拒绝了机器人下载文件（应用凭证或权限不对）：请联系运维人员检查机器人配置。',
    undecryptable: '文件无法解密，没有导入：请重新发送文件。',
    unsupported: '机器人当前的接入方式无法下载文件：请粘贴通报全文发送，或联系运维人员。',
  },
  sheetTooLarge: (limit: number) =>
    `群内导入的表格最大${Math.round(limit / 1024 / 1024)} MB：更大的表格请在服务器上用 npm run import 导入。`,
  replacedPending: (key: string) => `此前待确认的 ${key} 已被这次发送的内容替换。`,
  registerApplied: (added: number, updated: number) => `名册已更新：新增${added}项，更新${updated}项。`,
  registerOnlyApplied: (name: string) => `已导入“${name}”中的名册。`,
};
