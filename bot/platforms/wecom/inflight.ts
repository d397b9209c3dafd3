import type { Inbound, PipelineDeps, receive } from '../../pipeline.ts';

/**
 * Drops a delivery whose msgid is still being answered. WeCom redelivers (§2.5, §3.1) and the
 * long connection can hand over two copies at once; the store's markSeen only sees a msgid once
 * its write lands, so two concurrent copies would both look fresh without this guard.
 */
export function guardInflight(next: typeof receive): typeof receive {
  const inflight = new Set<string>();
  return async (deps: PipelineDeps, msg: Inbound) => {
    if (inflight.has(msg.msgId)) {
      deps.log.info(
        { platform: msg.platform, msgId: msg.msgId },
        'duplicate delivery while answering; ignored',
      );
      return null;
    }
    inflight.add(msg.msgId);
    try {
      return await next(deps, msg);
    } finally {
      inflight.delete(msg.msgId);
    }
  };
}
