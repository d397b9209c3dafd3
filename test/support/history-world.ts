import { silentLogger } from '../../bot/logger.ts';
import { answer } from '../../bot/pipeline.ts';
import type { Failure, RoundFile, Tally } from '../../data/schema.ts';
import { replyToText } from '../../handlers/reply.ts';
import { openSeededStore } from './seeded-store.ts';

/**
 * The seeded Fujian 2020Q1 round plus two later quarters, for history questions:
 * 福建省教育厅 fails in all three, 平潭政务 in Q1–Q2, 福州市示例局网站 in Q2–Q3, 福建省民政厅 in Q1 only.
 * 福州's website numbers: Q1 0/39 failed, Q2 1/40, Q3 1/40.
 */
export async function openHistoryWorld() {
  const seeded = await openSeededStore();
  const base = seeded.store.dataset().rounds[0]!.file;
  const q1 = base.failures;
  const edu = q1.find((f) => f.subject === '福建省教育厅')!;
  const pingtan = q1.find((f) => f.subject === '平潭政务')!;
  const fuzhouSite: Failure = {
    ...edu,
    id: 'fz-1',
    regionId: '3501',
    regionText: '福州市',
    subject: '福州市示例局网站',
    unitName: '福州市示例局',
    problem: '首页不更新',
    problemCode: 'W_HOME_STALE',
  };
  const fuzhou = (failed: number): Partial<Tally> => ({ total: 40, checked: 40, failed });
  await seeded.store.applyImport(
    later(base, '2020Q2', [edu, pingtan, fuzhouSite], fuzhou(1)),
    new Date('2020-07-10T09:00:00+08:00'),
  );
  await seeded.store.applyImport(
    later(base, '2020Q3', [edu, fuzhouSite], fuzhou(1)),
    new Date('2020-10-10T09:00:00+08:00'),
  );
  const deps = { store: seeded.store, log: silentLogger, now: () => new Date('2020-10-12T09:00:00+08:00') };
  return {
    ...seeded,
    async say(text: string): Promise<string> {
      return replyToText(await answer(deps, text, { platform: 'cli' }));
    },
  };
}

function later(base: RoundFile, period: string, failures: Failure[], fuzhouWebsite: Partial<Tally>) {
  const file = structuredClone(base);
  file.round = {
    ...file.round,
    period,
    key: `${period}@35`,
    title: `${period}通报`,
    importedAt: new Date(0).toISOString(),
    // Another notice's text: a copy of the sample's hash would make it sample data.
    source: { ...file.round.source, file: `${period}.txt`, sha256: `history-${period}` },
  };
  delete file.round.deadline;
  file.failures = failures.map((f) => ({ ...f, id: `${period}-${f.id}` }));
  file.mentions = [];
  const row = file.tallies.find((t) => t.regionId === '3501' && t.channel === 'website')!;
  Object.assign(row, fuzhouWebsite);
  return { newRegions: [], roundFile: file };
}
