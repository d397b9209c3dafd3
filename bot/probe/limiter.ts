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

  /** Runs `task` once both limits allow it. */
  async run<T>(ip: string, task: () => Promise<T>): Promise<T> {
    const gate = this.hosts.get(ip) ?? new Gate();
    this.hosts.set(ip, gate);
    while (gate.inFlight >= this.opts.perHost) await new Promise<void>((r) => gate.waiters.push(r));
    gate.inFlight++;
    try {
      // Reserve the next start slot for this address before waiting, so waiters queue in order.
      const start = Math.max(this.now(), gate.nextStart);
      gate.nextStart = start + this.opts.spacingMs;
      const wait = start - this.now();
      if (wait > 0) await this.sleep(wait);
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
