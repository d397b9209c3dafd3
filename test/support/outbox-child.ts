import axios from 'axios';
import { makeGroups } from '../../bot/groups.ts';
import { silentLogger } from '../../bot/logger.ts';
import { systemClock } from '../../bot/outbox/clock.ts';
import { Drain } from '../../bot/outbox/drain.ts';
import { Outbox } from '../../bot/outbox/queue.ts';
import { createWecomPusher } from '../../bot/platforms/wecom/send.ts';
import { wecomGroup } from './alert-world.ts';

/**
 * A bot process reduced to its outbox, for the crash test: drains DATA_DIR's outbox to the fake
 * WeCom at `apiBase` and exits when nothing is left. The test kills it with SIGKILL mid-way.
 * Usage: node --import tsx test/support/outbox-child.ts <dataDir> <apiBase> <groupId>…
 */
const [dataDir, apiBase, ...groupIds] = process.argv.slice(2);
const groups = makeGroups(groupIds.map((id) => wecomGroup(id, [])));
const outbox = await Outbox.open(dataDir!);
const drain = new Drain({
  outbox,
  groups,
  pushers: { wecom: createWecomPusher(axios.create({ timeout: 2000 }), apiBase!) },
  clock: systemClock,
  log: silentLogger,
  // Pacing is not under test here; the fake is told to allow this rate too.
  pace: { perMinute: 10_000 },
});
await drain.start();
const timer = setInterval(() => {
  const s = outbox.stats();
  if (s.pending + s.sending === 0) {
    clearInterval(timer);
    drain.stop().then(() => process.exit(0));
  }
}, 5);
