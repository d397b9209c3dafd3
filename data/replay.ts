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

/**
 * A store whose dedupe decides at once and writes with its next group commit (LowStore): the
 * guard then answers without waiting for a disk flush, which held every DingTalk callback for one
 * or two fdatasyncs. Only a binding made in the instant before a crash could be lost.
 */
export interface MarksAtOnce {
  markSeenNow(key: string, now: Date): { fresh: boolean; written: Promise<void> };
}

export function replayGuard(
  store: Pick<InspectionStore, 'markSeen'> & Partial<MarksAtOnce>,
  scope: string,
): ReplayGuard {
  const keys = (signature: string, msgId: string) =>
    [`${scope}:sign+msg:${signature}|${msgId}`, `${scope}:sign:${signature}`] as const;
  // A pair seen before is a redelivery of that message under its own sign; a new pair under a
  // sign already used is another message replayed under that sign.
  const decide = (pairIsNew: boolean, signIsNew: boolean) => !pairIsNew || signIsNew;
  return {
    async claim(signature, msgId, now) {
      const [pair, sign] = keys(signature, msgId);
      if (store.markSeenNow) {
        const a = store.markSeenNow(pair, now);
        const b = store.markSeenNow(sign, now);
        // A failed write forgets the id again (data/seen.ts); the decision stands.
        for (const w of [a.written, b.written]) w.catch(() => undefined);
        return decide(a.fresh, b.fresh);
      }
      // Both marks together: one round trip (or one group commit) instead of two.
      const [pairIsNew, signIsNew] = await Promise.all([
        store.markSeen(pair, now),
        store.markSeen(sign, now),
      ]);
      return decide(pairIsNew, signIsNew);
    },
  };
}
