import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Outbox } from '../../../bot/outbox/queue.ts';
import { reply } from '../../../handlers/reply.ts';
import { resentNote } from '../../../handlers/text.ts';
import { FakeWecom } from '../../fakes/wecom.ts';

/**
 * The bot killed with SIGKILL while sending, three times, then left to finish: every message
 * arrives; a message arrives twice only when the kill fell between the platform accepting it and
 * `sent` reaching the disk, and then the second copy says it may be a repeat (at-least-once).
 */
const child = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../support/outbox-child.ts');
const groupIds = ['g1', 'g2', 'g3'];
const N = 40; // messages per group

let dir: string;
let fake: FakeWecom;
let kills = 0;

function run(): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', child, dir, fake.url, ...groupIds], { stdio: 'ignore' });
}

async function killAfter(proc: ChildProcess, accepted: number): Promise<void> {
  await fake.waitFor(`${accepted} accepted pushes`, () => fake.pushes.length >= accepted, 20_000);
  proc.kill('SIGKILL');
  await new Promise((r) => proc.once('exit', r));
  kills++;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'crash-'));
  fake = await FakeWecom.start({ keys: groupIds.map((g) => `key-${g}`), perMinute: 10_000 });
  const outbox = await Outbox.open(dir);
  await outbox.enqueueAll(
    groupIds.flatMap((g) =>
      Array.from({ length: N }, (_, i) => ({
        key: `${g}-${i}`,
        groupId: g,
        kind: 'alert' as const,
        reply: reply(`${g}-${i}`),
      })),
    ),
    new Date(),
  );
  for (const at of [20, 50, 80]) await killAfter(run(), at);
  const last = run();
  const code = await new Promise((r) => last.once('exit', r));
  expect(code).toBe(0);
  // Four bot processes start one after another (tsx loads each): a minute was not enough with the
  // whole suite running on two shared cores.
}, 120_000);

afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the outbox across SIGKILL', () => {
  const delivered = () =>
    groupIds.flatMap((g) =>
      fake.delivered(`key-${g}`).map((b) => (b as { markdown: { content: string } }).markdown.content),
    );

  it('delivers every message at least once', () => {
    const titles = new Set(delivered().map((c) => c.split('\n')[0]));
    for (const g of groupIds) for (let i = 0; i < N; i++) expect(titles.has(`**${g}-${i}**`)).toBe(true);
  });

  it('repeats a message only in the crash window, and marks the repeat', () => {
    const byTitle = new Map<string, string[]>();
    for (const c of delivered())
      byTitle.set(c.split('\n')[0]!, [...(byTitle.get(c.split('\n')[0]!) ?? []), c]);
    const repeated = [...byTitle.values()].filter((copies) => copies.length > 1);
    // One request in flight per robot: each kill can leave at most one per robot uncertain.
    expect(repeated.length).toBeLessThanOrEqual(kills * groupIds.length);
    for (const copies of repeated) {
      expect(copies).toHaveLength(2);
      expect(copies[1]).toContain(resentNote);
    }
    expect(kills).toBe(3);
  });

  it('ends with everything recorded as sent', async () => {
    const outbox = await Outbox.open(dir);
    expect(outbox.stats()).toMatchObject({ pending: 0, sending: 0, dead: 0, sent: N * groupIds.length });
  });
});
