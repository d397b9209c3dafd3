import type { InspectionStore } from './store.ts';

/**
 * A request signature that covers no body (DingTalk's timestamp + sign, protocols.md §5.1) is
 * bound to the first message id it carried: a redelivery of that message under the same
 * signature passes (and is then deduplicated), another message under it is a replay. The
 * bindings are marks in the store's redelivery dedupe (`markSeen`), so they survive a restart
 * and a store shared by several instances shares them; they are kept as long as message ids
 * (48 h), longer than any signature window.
 */
export interface ReplayGuard {
  /** True when `signature` is new or already bound to `msgId`; false for a replay. */
  claim(signature: string, msgId: string, now: Date): Promise<boolean>;
}

export function replayGuard(store: Pick<InspectionStore, 'markSeen'>, scope: string): ReplayGuard {
  return {
    async claim(signature, msgId, now) {
      // The pair first: seen before means a redelivery of the same message under its own sign.
      if (!(await store.markSeen(`${scope}:sign+msg:${signature}|${msgId}`, now))) return true;
      // A new pair under a sign already used is another message replayed under that sign.
      return store.markSeen(`${scope}:sign:${signature}`, now);
    },
  };
}
