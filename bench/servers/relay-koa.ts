import { Agent as HttpAgent } from 'node:http';
import Router from '@koa/router';
import axios from 'axios';
import Koa from 'koa';
import { readRawBody } from '../../bot/http/raw-body.ts';
import { announce } from './ready.ts';

/**
 * The second baseline for bench/rate-http.bench.ts: a bare Koa *relay*, the least a DingTalk
 * HTTP-mode robot must do (protocols.md §5.3): read the body, make one keep-alive POST to the
 * message's session webhook (the same receiver the bot answers), answer 200. No signature, no
 * decoding beyond JSON.parse, no dedupe, no handler: what is left is the cost of the HTTP itself.
 * Outbound calls go through axios with keep-alive agents, as the bot's do (bot/main.ts).
 */
const http = axios.create({ timeout: 10_000, httpAgent: new HttpAgent({ keepAlive: true }) });
const app = new Koa();
const router = new Router();
router.post('/dingtalk', async (ctx) => {
  const body = JSON.parse((await readRawBody(ctx, 64 * 1024)).toString('utf8')) as { sessionWebhook: string };
  await http.post(
    body.sessionWebhook,
    { msgtype: 'text', text: { content: 'ok' } },
    { headers: { 'content-type': 'application/json; charset=utf-8' } },
  );
  ctx.status = 200;
  ctx.type = 'text/plain';
  ctx.body = '';
});
app.use(router.routes());
const server = app.listen(0, '127.0.0.1', () => announce(server));
