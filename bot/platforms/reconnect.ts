/**
 * What the long-lived connections (DingTalk Stream, WeCom long connection) share: the reconnect
 * delay, and start() waiting a while for the first connection before carrying on in the background.
 */

/** Delay before reconnect attempt `n` (0-based): "equal jitter" over an exponential ceiling. */
export function backoffDelay(n: number, b: { baseMs: number; maxMs: number }, random: () => number): number {
  const ceiling = Math.min(b.maxMs, b.baseMs * 2 ** Math.min(n, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/**
 * The first connection of a start(): wait() resolves when settle() is called, rejects when it is
 * called with an error (wrong credentials), and resolves anyway after `ms` (the connection keeps
 * retrying in the background), calling `onTimeout` to say so.
 */
export class FirstConnection {
  private waiters: Array<(err?: Error) => void> = [];

  wait(ms: number, onTimeout: () => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        onTimeout();
        resolve();
      }, ms);
      this.waiters.push((err) => {
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      });
    });
  }

  settle(err?: Error): void {
    for (const w of this.waiters.splice(0)) w(err);
  }
}
