import { describe, expect, it } from 'vitest';
import { runChaos } from '../support/chaos-world.ts';
import { DATABASE_URL, withPostgres } from '../support/postgres.ts';

/**
 * Three real bot processes on one PostgreSQL database, one SIGKILLed at 30 % delivered and
 * another restarted at 60 % (the small version of bench/chaos.bench.ts). The platforms' minute is
 * shortened on both sides (fakes and OUTBOX_WINDOW_MS); their limits per window are the real ones.
 */
describe.runIf(withPostgres)('several bot instances on one database', () => {
  it('deliver every item and every reminder once, re-sending only what was in flight and saying so', async () => {
    const r = await runChaos({
      url: DATABASE_URL ?? '',
      items: 120,
      groupsPerPlatform: 2,
      instances: 3,
      windowMs: 1500,
      leaseMs: 3000,
      chaos: true,
      reminderUnits: 2,
      timeoutMs: 150_000,
    });
    expect(r.killedAt).toBeDefined();
    expect(r.restartedAt).toBeDefined();
    expect(r.lost).toBe(0);
    expect(r.duplicatesWithoutNote).toBe(0);
    expect(r.rateLimited).toBe(0);
    expect(r.reminders.delivered).toBe(r.reminders.expected);
    expect(r.reminders.extraWithoutNote).toBe(0);
  }, 240_000);
});
