import { describe, expect, it } from 'vitest';
import { classifyTry } from '../../../data/probe/classify.ts';

const page =
  '<html><head><title>福州市人民政府</title></head><body><ul><li><a href="/a">要闻</a></li></ul></body></html>';

describe('classifyTry()', () => {
  it('passes a 200 with a real page read under 15 s', () => {
    expect(classifyTry({ status: 200, elapsedMs: 800, body: page })).toEqual({ outcome: 'ok', reason: 'ok' });
  });
  it('fails a try at 15 s or more even when the page arrived', () => {
    expect(classifyTry({ status: 200, elapsedMs: 15_000, body: page })).toEqual({
      outcome: 'failed',
      reason: 'slow',
    });
    expect(classifyTry({ status: 200, elapsedMs: 14_999, body: page }).outcome).toBe('ok');
  });
  it('fails DNS, TLS, connection errors, timeouts and redirect loops', () => {
    for (const error of ['dns', 'tls', 'connect', 'timeout', 'redirect-loop'] as const)
      expect(classifyTry({ error, elapsedMs: 10 })).toEqual({ outcome: 'failed', reason: error });
  });
  it('fails a final status outside 2xx', () => {
    expect(classifyTry({ status: 500, elapsedMs: 10, body: page })).toEqual({
      outcome: 'failed',
      reason: 'status',
    });
    expect(classifyTry({ status: 404, elapsedMs: 10, body: page }).outcome).toBe('failed');
  });
  it('fails an empty body and an error page served with 200', () => {
    expect(classifyTry({ status: 200, elapsedMs: 10, body: '  \n' }).reason).toBe('empty');
    expect(classifyTry({ status: 200, elapsedMs: 10, body: '<title>404 Not Found</title>' }).reason).toBe(
      'error-page',
    );
    expect(
      classifyTry({ status: 200, elapsedMs: 10, body: '<body><h1>网站维护中，请稍后访问</h1></body>' })
        .reason,
    ).toBe('error-page');
  });
  it('classes a 412 and a JavaScript challenge as blocked, not failed', () => {
    expect(classifyTry({ status: 412, elapsedMs: 10, body: '<script>$_ts=window.$_ts</script>' })).toEqual({
      outcome: 'blocked',
      reason: 'waf-status',
    });
    const jsl = '<script>document.cookie="__jsl_clearance=1";location.href=location.pathname</script>';
    expect(classifyTry({ status: 200, elapsedMs: 10, body: jsl })).toEqual({
      outcome: 'blocked',
      reason: 'waf-challenge',
    });
    expect(
      classifyTry({ status: 403, elapsedMs: 10, body: '<h1>您的访问被拦截</h1> 网站防火墙' }).outcome,
    ).toBe('blocked');
  });
  it('does not take a long page that mentions a 404 in an article for an error page', () => {
    const long = `<title>福州市人民政府</title><p>${'关于404号文件的解读。'.repeat(60)}</p>`;
    expect(classifyTry({ status: 200, elapsedMs: 10, body: long }).outcome).toBe('ok');
  });
});
