import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { benchDir, outDir } from './lib.ts';

/**
 * Load through DingTalk's HTTP mode for the `/rate` benches (rate-http, rate-instances): servers in
 * child processes, signed messages (each its own msgId, timestamp and sign, so dedupe, the handler
 * and the answer to the session webhook all run), autocannon runs, and answers counted at the
 * session-webhook receiver (bench/servers/session-receiver.ts) per message.
 */
export const SECRET = 'bench-app-secret';

export interface Server {
  port: number;
  child: ChildProcess;
}

const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
});

/** Starts bench/servers/<script> in its own process; resolves with the port it prints first. */
export async function server(script: string, env: Record<string, string> = {}): Promise<Server> {
  // BENCH_PROFILE=1 writes a CPU profile of the bot to bench/out/profiles (open it in Chrome DevTools).
  const profile =
    process.env.BENCH_PROFILE && script === 'bot.ts'
      ? ['--cpu-prof', `--cpu-prof-dir=${path.join(outDir, 'profiles')}`]
      : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', path.join(benchDir, 'servers', script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { port: (JSON.parse(first) as { port: number }).port, child };
}

export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Signed `/rate` messages for the cities in turn, answered through the receiver's session webhook. */
export class Messages {
  private n = 0;
  private readonly base = Date.now();
  /** The run a message belongs to: its msgId starts with it, so the receiver counts answers per run. */
  run = 'warm-up';
  /** When set, the session webhook has already expired: the bot computes the answer and drops it. */
  expired = false;

  constructor(
    private readonly receiverPort: number,
    private readonly cities: readonly string[],
  ) {}

  next(): { msgId: string; headers: Record<string, string>; body: string } {
    const i = this.n++;
    const timestamp = String(this.base + i);
    const sign = createHmac('sha256', SECRET).update(`${timestamp}\n${SECRET}`).digest('base64');
    const msgId = `${this.run}-${process.pid}-${i}`;
    const body = JSON.stringify({
      msgtype: 'text',
      text: { content: `@bot /rate ${this.cities[i % this.cities.length]}` },
      msgId,
      conversationId: 'cid-bench',
      conversationType: '2',
      senderStaffId: 'bench-user',
      senderNick: '压测',
      sessionWebhook: `http://127.0.0.1:${this.receiverPort}/robot/sendBySession?m=${msgId}&t=${Date.now()}`,
      sessionWebhookExpiredTime: this.expired ? Date.now() - 1 : Date.now() + 90 * 60_000,
    });
    return { msgId, headers: { 'content-type': 'application/json', timestamp, sign }, body };
  }
}

export interface Driven {
  result: autocannon.Result;
  /** The msgId of every request whose 2xx autocannon received (in-flight ones at the end are not). */
  completed: Set<string>;
}

/**
 * One autocannon run labelled `label` against one or several servers: with several, autocannon
 * spreads its connections over them in turn (the client alternating, as a round-robin balancer would).
 */
export async function drive(
  ports: readonly number[],
  label: string,
  messages: Messages,
  o: { connections: number; seconds: number },
): Promise<Driven> {
  messages.run = label;
  const completed = new Set<string>();
  const urls = ports.map((p) => `http://127.0.0.1:${p}`);
  const result = await autocannon({
    // Connection i goes to urls[i % n] (autocannon's run.js; its types list one URL only).
    url: (urls.length === 1 ? urls[0]! : urls) as unknown as string,
    connections: o.connections,
    duration: o.seconds,
    requests: [
      {
        method: 'POST',
        path: '/dingtalk',
        setupRequest: (req, context) => {
          const m = messages.next();
          (context as { msgId?: string }).msgId = m.msgId;
          return { ...req, headers: m.headers, body: m.body };
        },
        onResponse: (status, _body, context) => {
          const id = (context as { msgId?: string }).msgId;
          if (id && status >= 200 && status < 300) completed.add(id);
        },
      },
    ],
  });
  return { result, completed };
}

export interface RunAnswers {
  answers: number;
  distinct: number;
  doubled: number;
  p50: number | null;
  p99: number | null;
  ids: string[];
}

async function stats(receiverPort: number, label: string): Promise<RunAnswers> {
  return (await fetch(`http://127.0.0.1:${receiverPort}/stats?run=${label}-`)).json() as Promise<RunAnswers>;
}

/**
 * Waits until every completed request of the run has its answer (answers go out after the 200
 * when the bot answers), then matches answers to requests one by one.
 */
export async function answersOf(
  receiverPort: number,
  label: string,
  completed: Set<string>,
  startedAt: number,
  seconds: number,
) {
  let got = await stats(receiverPort, label);
  const missing = () => [...completed].filter((id) => !got.ids.includes(id)).length;
  while (missing() > 0 && Date.now() - startedAt < (seconds + 30) * 1000) {
    await new Promise((r) => setTimeout(r, 250));
    got = await stats(receiverPort, label);
  }
  const ids = new Set(got.ids);
  const forCompleted = [...completed].filter((id) => ids.has(id)).length;
  return {
    ...got,
    forCompleted,
    inFlight: got.distinct - forCompleted,
    seconds: (Date.now() - startedAt) / 1000,
  };
}

export type Answered = Driven & { answers?: Awaited<ReturnType<typeof answersOf>> };

export const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;

/** Throughput, latency and answer counts over several runs of one server (or set of servers). */
export function summary(ds: Answered[]) {
  const completed = ds.reduce((s, d) => s + d.completed.size, 0);
  const secs = ds.reduce((s, d) => s + d.result.duration, 0);
  const sum = (f: (a: NonNullable<Answered['answers']>) => number) =>
    ds.reduce((s, d) => s + (d.answers ? f(d.answers) : 0), 0);
  return {
    perSecond: completed / secs,
    p50: median(ds.map((d) => d.result.latency.p50)),
    p99: median(ds.map((d) => d.result.latency.p99)),
    worstP99: Math.max(...ds.map((d) => d.result.latency.p99)),
    non2xx: ds.reduce((s, d) => s + d.result.non2xx, 0),
    errors: ds.reduce((s, d) => s + d.result.errors, 0),
    completed,
    answered: sum((a) => a.forCompleted),
    doubled: sum((a) => a.doubled),
    inFlight: sum((a) => a.inFlight),
    answerP50: median(ds.map((d) => d.answers?.p50 ?? 0)),
    answerP99: median(ds.map((d) => d.answers?.p99 ?? 0)),
  };
}
