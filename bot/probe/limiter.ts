/**
 * Politeness limits: a global cap on requests in flight, and per resolved IP address at most
 * `perHost` in flight and one start per `spacingMs` (many county sites share one hosting platform,
 * so the address, not the name, is what must be spared). `now`/`sleep` are injectable.
 */
export interface LimiterOptions {
  global: number;
  perHost: number;
  spacingMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

class Gate {
  inFlight = 0;
  nextStart = 0;
  waiters: (() => void)[] = [];
}

export class PoliteLimiter {
  private readonly hosts = new Map<string, Gate>();
  private globalInFlight = 0;
  private readonly globalWaiters: (() => void)[] = [];
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: LimiterOptions) {
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /**
   * Runs `task` once both limits allow it. Once `signal` is aborted the wait for this address's
   * next start is cut short (the task still runs, and should see the signal and return at once),
   * so a queue behind a busy address empties quickly when probing stops.
   */
  async run<T>(ip: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const gate = this.hosts.get(ip) ?? new Gate();
    this.hosts.set(ip, gate);
    while (gate.inFlight >= this.opts.perHost) await new Promise<void>((r) => gate.waiters.push(r));
    gate.inFlight++;
    try {
      // Reserve the next start slot for this address before waiting, so waiters queue in order.
      const start = Math.max(this.now(), gate.nextStart);
      gate.nextStart = start + this.opts.spacingMs;
      const wait = start - this.now();
      if (wait > 0 && !signal?.aborted) await abortable(this.sleep(wait), signal);
      while (this.globalInFlight >= this.opts.global)
        await new Promise<void>((r) => this.globalWaiters.push(r));
      this.globalInFlight++;
      try {
        return await task();
      } finally {
        this.globalInFlight--;
        this.globalWaiters.shift()?.();
      }
    } finally {
      gate.inFlight--;
      gate.waiters.shift()?.();
      if (gate.inFlight === 0 && gate.waiters.length === 0 && gate.nextStart <= this.now())
        this.hosts.delete(ip);
    }
  }

  /** Requests in flight now (for tests and metrics). */
  get active(): number {
    return this.globalInFlight;
  }
}

function abortable(wait: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return wait;
  return new Promise<void>((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    void wait.then(done);
  });
}
