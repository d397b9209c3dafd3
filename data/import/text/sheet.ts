/** Spreadsheet and API imports (data/import/sheet, bot/api): refusals name row, column and reason. */
export const sheetText = {
  refused: (n: number) => `导入未执行：发现${n}处问题，请修改后重新导入（所有问题修正前不会写入任何数据）。`,
  more: (n: number) => `……另有${n}处问题未列出。`,
  row: (n: number) => `第${n}行`,
  column: (letter: string, header?: string) => (header ? `${letter}列（${header}）` : `${letter}列`),
  emptyCell: '此处不能为空',
  notCount: (text: string) => `“${text}”不是非负整数`,
  notRate: (text: string) => `“${text}”不是比率（如 0.46% 或 99.54）`,
  rateMismatch: (text: string, numerator: number, denominator: number) =>
    `比率“${text}”与数量不符（${numerator}/${denominator}）`,
  checkedOverTotal: (checked: number, total: number) => `检查数${checked}大于运行总数${total}`,
  failedOverChecked: (failed: number, checked: number) => `不合格数${failed}大于检查数${checked}`,
  noChannel: '无法判断此列属于政府网站还是政务新媒体：请在表头写明（如“检查网站数”），或增加“类别”列',
  badChannel: (text: string) => `类别“${text}”应为“政府网站”或“政务新媒体”`,
  badSiteCode: (text: string) => `网站标识码“${text}”应为10位字母数字（部门网站为 bm 加8位数字）`,
  badColumnUrl: (text: string) => `栏目地址“${text}”应为以 http:// 或 https:// 开头的完整网址`,
  badColumnKind: (text: string) => `栏目类型“${text}”应为“动态要闻”“通知公告政策文件”或“其他”`,
  badColumnPeriod: (text: string) => `更新周期“${text}”应为1至3660之间的天数`,
  unknownColumnSite: (name: string) => `网站“${name}”不在网站名册中：请先登记该网站（可在同一次导入的“网站名册”表中）`,
  ambiguousColumnSite: (name: string, regions: string[]) =>
    `有${regions.length}个网站名为“${name}”（${regions.join('、')}）：请填写“部门/地区”或“网站标识码”`,
  badSiteKind: (text: string) => `网站类型“${text}”应为“门户网站”或“部门网站”`,
  badMobile: (text: string) => `联系电话“${text}”格式不对`,
  badUserId: (text: string) => `账号“${text}”格式不对（企业微信、钉钉账号是不含空格的字母、数字或符号）`,
  badRegionKind: (text: string) => `地区类型“${text}”应为 全国、省、市、县区、省直部门 或 特区 之一`,
  badPeriod: (text: string) => `期次“${text}”无法识别，请写成 2020Q1、2020年第一季度、2020H2 或 2023-09`,
  badDate: (text: string) => `日期“${text}”无法识别，请写成 2020-04-17（可加时间 17:00）`,
  missingMeta: (key: string) => `缺少“${key}”：请在“说明”表中填写，或在命令中给出（--period / --scope）`,
  missingColumn: (column: string, table: string) => `${table}缺少“${column}”列`,
  unknownRegion: (text: string, near: string[]) =>
    near.length > 0
      ? `未知地区“${text}”，是不是：${near.join('、')}？`
      : `未知地区“${text}”：请先在“地区”表中登记`,
  unknownScope: (text: string, near: string[]) =>
    near.length > 0
      ? `未知的通报范围“${text}”，是不是：${near.join('、')}？`
      : `未知的通报范围“${text}”：通报范围须是已登记的地区，请先在“地区”表中登记`,
  duplicateRow: (first: string) => `与${first}重复`,
  sumMismatch: (what: string, stated: number, sum: number) => `合计行的${what}为${stated}，各行之和为${sum}`,
  fewerThanListed: (channel: string, failed: number, listed: number) =>
    `${channel}不合格数为${failed}，但不合格名单列出该地区${listed}项`,
  noTables:
    '没有找到可导入的表格：表头应包含“部门/地区”“检查网站数”“网站名称”“账号”等列（见 data/templates/README.md）',
  defaultTitle: (scope: string, period: string) => `${scope}${period}政府网站和政务新媒体检查情况`,
  countNames: { total: '运行总数', checked: '检查数', failed: '不合格数' },
  tableNames: {
    meta: '“说明”表',
    regions: '“地区”表',
    tally: '“汇总”表',
    failedSites: '“不合格网站”表',
    failedAccounts: '“不合格新媒体”表',
    sites: '“网站名册”表',
    siteColumns: '“栏目名册”表',
    accounts: '“新媒体名册”表',
  },
  columnNames: {
    key: '项目',
    value: '内容',
    region: '部门/地区',
    checked: '检查网站数 / 检查新媒体数',
    failed: '不合格网站数 / 不合格新媒体数',
    site: '网站名称',
    columnName: '栏目名称',
    columnUrl: '栏目地址',
    account: '账号',
    platform: '平台',
    problem: '突出问题',
  } as Record<string, string>,
};

/** The spreadsheet import preview (npm run import -- <file.xlsx|.csv> [--apply]). */
export const sheetPreviewText = {
  read: (files: number, rows: number, mb: string) => `读取${files}个文件，共${rows}行（${mb} MB）。`,
  table: (where: string, kind: string, rows: number) => `${where} → ${kind}，${rows}行`,
  ignoredColumns: (headers: string[]) => `　未使用的列：${headers.join('、')}`,
  ignoredTable: (where: string) => `${where}：没有可识别的表头，已跳过`,
  unknownMeta: (keys: string[]) => `“说明”表中未使用的项目：${keys.join('、')}`,
  round: (key: string, title: string) => `检查期次：${key}　${title}`,
  deadline: (d: string) => `整改报送截止：${d}`,
  tallies: (n: number, sites: number, accounts: number) =>
    `地区汇总${n}行；不合格网站${sites}项，不合格政务新媒体${accounts}项。`,
  newRegions: (names: string[]) =>
    `新登记地区${names.length}个：${names.slice(0, 20).join('、')}${names.length > 20 ? '……' : ''}`,
  register: (units: number, sites: number, accounts: number) =>
    `名册：单位${units}个，网站${sites}个，政务新媒体${accounts}个。`,
  siteColumns: (columns: number, sites: number) => `登记了栏目的网站${sites}个，栏目共${columns}个。`,
  registerAdds: (added: number, updated: number) => `其中新增${added}条，更新${updated}条。`,
  previewOnly: '以上为预览，未写入。确认无误后加 --apply 导入。',
  applied: (what: string) => `已导入：${what}`,
  unchanged: (key: string) => `${key}与已导入的数据完全相同，未改动。`,
  registerApplied: (added: number, updated: number) => `名册已写入：新增${added}条，更新${updated}条。`,
};

/** Units and contacts written through the API (data/import/units.ts). */
export const unitsText = {
  emptyContact: '联系人至少要有姓名、手机、企业微信账号或钉钉账号之一',
  duplicateContact: (first: string) => `与${first}是同一个人（姓名或手机相同）`,
  duplicateUnit: (first: string) => `与${first}是同一个单位（地区和名称相同）`,
};
