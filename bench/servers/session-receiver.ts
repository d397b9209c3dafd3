import http from 'node:http';
import { announce } from './ready.ts';

/**
 * DingTalk's session webhook for bench/rate-http.bench.ts: accepts every answer with errcode 0
 * and records how long after the request was sent it arrived (the send time rides in the URL:
 * /robot/sendBySession?t=<ms>). GET /stats → { answers, p50, p99 } in ms.
 */
const latencies: number[] = [];
const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.method === 'GET' && url.pathname === '/stats') {
    const sorted = [...latencies].sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
    res.end(JSON.stringify({ answers: latencies.length, p50: at(50), p99: at(99) }));
    return;
  }
  req.resume();
  req.on('end', () => {
    latencies.push(Date.now() - Number(url.searchParams.get('t')));
    res.setHeader('content-type', 'application/json');
    res.end('{"errcode":0,"errmsg":"ok"}');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => announce(server));
