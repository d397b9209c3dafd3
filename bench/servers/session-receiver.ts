import http from 'node:http';
import { announce } from './ready.ts';

/**
 * DingTalk's session webhook for bench/rate-http.bench.ts: accepts every answer with errcode 0.
 * Each answer's URL carries its message id and the time the request was sent
 * (/robot/sendBySession?m=<msgId>&t=<ms>), so answers are counted per message, never twice.
 * GET /stats?run=<msgId prefix> → { answers, distinct, doubled, p50, p99, ids } for that run's
 * messages (ids: every message id answered, for the bench to match against what it sent).
 */
const answers = new Map<string, { count: number; ms: number }>();
const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.method === 'GET' && url.pathname === '/stats') {
    const run = url.searchParams.get('run') ?? '';
    const mine = [...answers].filter(([id]) => id.startsWith(run));
    const sorted = mine.map(([, a]) => a.ms).sort((a, b) => a - b);
    const at = (p: number) =>
      sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        answers: mine.reduce((s, [, a]) => s + a.count, 0),
        distinct: mine.length,
        doubled: mine.filter(([, a]) => a.count > 1).length,
        p50: at(50),
        p99: at(99),
        ids: mine.map(([id]) => id),
      }),
    );
    return;
  }
  req.resume();
  req.on('end', () => {
    const id = url.searchParams.get('m') ?? `unnamed-${answers.size}`;
    const seen = answers.get(id);
    if (seen) seen.count += 1;
    else answers.set(id, { count: 1, ms: Date.now() - Number(url.searchParams.get('t')) });
    res.setHeader('content-type', 'application/json');
    res.end('{"errcode":0,"errmsg":"ok"}');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => announce(server));
