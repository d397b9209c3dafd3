import type { Group } from '../../bot/groups.ts';
import type { Drain } from '../../bot/outbox/drain.ts';
import { Dataset } from '../../data/dataset.ts';
import { fujianRegions } from '../../data/reference/fujian.ts';
import type { Failure, Mention, RoundFile, Unit } from '../../data/schema.ts';
import type { FakeClock } from './clock.ts';

/**
 * Small worlds for alert and outbox tests: Fujian's regions, hand-made rounds (scope 福建省, id
 * 35) and groups. Region ids: 35 province, 3501 福州, 350102 鼓楼区, 35-sz 省直部门, 35-pt 平潭.
 */
export const T0 = Date.parse('2020-04-14T09:00:00+08:00');

export function failure(subject: string, regionId: string, over: Partial<Failure> = {}): Failure {
  return {
    id: `${regionId}-${subject}`,
    channel: 'website',
    regionId,
    regionText: regionId,
    unitName: subject,
    subject,
    problem: '栏目不更新（单项否决）',
    problemCode: 'W_COLUMN_STALE',
    veto: true,
    ...over,
  };
}

export function roundFile(period: string, failures: Failure[], mentions: Mention[] = []): RoundFile {
  return {
    version: 1,
    round: {
      key: `${period}@35`,
      period,
      scopeRegionId: '35',
      title: `福建省${period}政府网站和政务新媒体检查情况的通报`,
      issuer: '福建省人民政府办公厅',
      deadline: { date: '2020-04-17' },
      source: { file: `${period}.txt`, sha256: period, kind: 'notice' },
      importedAt: new Date(T0).toISOString(),
    },
    tallies: [{ regionId: '35', channel: 'website', total: 435, checked: 435, failed: failures.length }],
    failures,
    mentions,
  };
}

export function dataset(rounds: RoundFile[], units: Unit[] = []): Dataset {
  return new Dataset({ version: 1, regions: fujianRegions(), units, sites: [], accounts: [] }, rounds);
}

export function wecomGroup(id: string, regions: string[], over: Partial<Group> = {}): Group {
  return {
    id,
    name: `${id}群`,
    platform: 'wecom',
    follows: { regions, units: [] },
    admins: [{ name: '王管理', wecomUserId: `admin-${id}` }],
    allClear: false,
    robot: { key: `key-${id}` },
    ...over,
  } as Group;
}

export function dingtalkGroup(id: string, regions: string[], over: Partial<Group> = {}): Group {
  return {
    id,
    name: `${id}群`,
    platform: 'dingtalk',
    follows: { regions, units: [] },
    admins: [{ name: '李管理', dingtalkUserId: `admin-${id}` }],
    allClear: false,
    robot: { accessToken: `token-${id}`, secret: `SEC-${id}` },
    ...over,
  } as Group;
}

/**
 * Runs the drain on the virtual clock until `done()` holds: waits for requests in flight, then
 * jumps to the next timer. Throws if time runs out first.
 */
export async function settle(
  drain: Drain,
  clock: FakeClock,
  done: () => boolean | Promise<boolean>,
  maxSteps = 10_000,
): Promise<void> {
  for (let i = 0; i < maxSteps; i++) {
    await drain.idle();
    if (await done()) return;
    if (!clock.step()) {
      await new Promise((r) => setImmediate(r));
      if (await done()) return;
      if (clock.nextTimer() === undefined) throw new Error('settle: nothing scheduled and not done');
    }
  }
  throw new Error(`settle: not done after ${maxSteps} steps`);
}
