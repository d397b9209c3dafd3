import Router from '@koa/router';
import Koa from 'koa';
import { readRawBody } from '../../bot/http/raw-body.ts';
import { announce } from './ready.ts';

/**
 * The baseline for bench/rate-http.bench.ts: the same Koa, router and body reading as POST
 * /dingtalk, answering an empty 200 without verifying, decoding or answering anything.
 */
const app = new Koa();
const router = new Router();
router.post('/dingtalk', async (ctx) => {
  await readRawBody(ctx, 64 * 1024);
  ctx.status = 200;
  ctx.type = 'text/plain';
  ctx.body = '';
});
app.use(router.routes());
const server = app.listen(0, '127.0.0.1', () => announce(server));
