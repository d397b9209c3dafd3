import { Subscriptions } from '../../bot/alerts/subscriptions.ts';
import { type Group, makeGroups } from '../../bot/groups.ts';
import { silentLogger } from '../../bot/logger.ts';
import { Outbox } from '../../bot/outbox/queue.ts';
import { answer } from '../../bot/pipeline.ts';
import type { Sender, Services } from '../../handlers/context.ts';
import { replyToText } from '../../handlers/reply.ts';
import { openSeededStore } from './seeded-store.ts';

/**
 * A chat against the seeded Fujian 2020Q1 store with subscriptions and an outbox, so that handler
 * tests read like a transcript: `await chat.say('/sub 福州', as.admin)` → the reply as text.
 */
export async function openChat(groups: Group[], now = new Date('2020-04-14T10:00:00+08:00')) {
  const seeded = await openSeededStore();
  const declared = makeGroups(groups);
  const outbox = await Outbox.open(seeded.dir);
  const services: Services = {
    groups: declared,
    subscriptions: await Subscriptions.open(seeded.dir, declared),
    outbox,
  };
  const deps = { store: seeded.store, log: silentLogger, now: () => now, services };
  return {
    ...seeded,
    services,
    outbox,
    async say(text: string, sender: Sender, groupId?: string): Promise<string> {
      return replyToText(await answer(deps, text, sender, groupId));
    },
  };
}
