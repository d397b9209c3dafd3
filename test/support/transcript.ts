import { afterAll, beforeAll } from 'vitest';
import { dispatch } from '../../handlers/index.ts';
import { parseCommand } from '../../handlers/parse.ts';
import type { HandlerContext } from '../../handlers/context.ts';
import type { Reply } from '../../handlers/reply.ts';
import type { InspectionStore } from '../../data/store.ts';
import { openSeededStore } from './seeded-store.ts';

/** The default "now" of handler tests: the day after the seed notice was issued. */
export const NOW = new Date('2020-04-14T10:00:00+08:00');

/**
 * A transcript against any store, without services: `lines('/rate 福州')` gives the reply the
 * bot would send (title first), through the same parse → dispatch path as every platform.
 * For chats that need groups, subscriptions or the outbox, see openChat (./chat.ts).
 */
export function transcript(store: InspectionStore, now = NOW) {
  const say = async (text: string): Promise<Reply> => {
    const ctx: HandlerContext = {
      data: store.dataset(),
      store,
      now,
      sender: { platform: 'cli' },
      services: {},
    };
    return dispatch(parseCommand(text), ctx);
  };
  const lines = async (text: string): Promise<string[]> => {
    const r = await say(text);
    return [r.title, ...r.lines];
  };
  return { say, lines };
}

/**
 * For a test file about commands on the shipped data: opens a seeded store before its tests,
 * removes it after them, and answers through transcript().
 */
export function seededTranscript(now = NOW) {
  let opened: Awaited<ReturnType<typeof openSeededStore>> | undefined;
  beforeAll(async () => {
    opened = await openSeededStore();
  });
  afterAll(() => opened?.cleanup());
  const store = (): InspectionStore => {
    if (!opened) throw new Error('seededTranscript: used outside a test');
    return opened.store;
  };
  return {
    store,
    say: (text: string) => transcript(store(), now).say(text),
    lines: (text: string) => transcript(store(), now).lines(text),
  };
}
