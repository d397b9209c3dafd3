/**
 * What the store says to the operator (start-up errors and warnings in the log). The store sits
 * below handlers/, so its sentences live here rather than in handlers/text.ts.
 */
export const storeText = {
  badJournalLine: (file: string, line: number, cause: string) =>
    `${file} 第${line}行无法读取（${cause}）。这不是写到一半的最后一行，跳过它会丢掉或重复其后的记录，因此停止启动：请修复或删除这一行后再启动。`,
  tornJournalLine: (file: string, line: number, bytes: number) =>
    `${file} 第${line}行是写到一半的最后一行（${bytes}字节，上次退出时未写完，从未确认），已丢弃。`,
  lockHeld: (file: string, holder: string) =>
    `数据目录已被另一个写入进程占用：${holder}（锁文件 ${file}）。同一数据目录只能有一个写入者；若确认该进程已不在运行，删除锁文件后重试。`,
  lockHolder: (h: { role: string; pid: number; host: string; startedAt: string; command?: string }) =>
    `${h.role === 'bot' ? '机器人' : '命令行'}进程 pid ${h.pid}，主机 ${h.host}，启动于 ${h.startedAt}${h.command ? `（${h.command}）` : ''}`,
  regionsMoved: (moves: string[]) =>
    `${moves.length}个导入时新建的地区已对应到全国行政区划（历史通报、单位和订阅不变）：${moves.join('；')}`,
  regionMoved: (from: string, to: string, name: string) => `${from} → ${to} ${name}`,
  badLockFile: (file: string) => `锁文件 ${file} 无法读取；若确认没有进程在使用该数据目录，删除它后重试。`,
};
