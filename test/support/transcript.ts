import { dispatch } from '../../handlers/index.ts';
import { parseCommand } from '../../handlers/parse.ts';
import type { HandlerContext } from '../../handlers/context.ts';
import type { Reply } from '../../handlers/reply.ts';
import type { InspectionStore } from '../../data/store.ts';

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
