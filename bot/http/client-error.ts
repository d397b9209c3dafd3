import type { Socket } from 'node:net';

/**
 * What a client sees when Node's HTTP parser refuses its request before the app does (the
 * server's `clientError`). Node's own answer is a bare 400 with no body; the most common case
 * by far is a URL typed with Chinese in it (`curl '/api/rates?region=福州'`: HTTP allows only
 * ASCII in a request line, so the parser stops at the first byte of 福), and a bare 400 leaves
 * the person guessing. That case gets a JSON body in the app's error shape saying to
 * percent-encode and how; every other case keeps Node's status (431 headers too large, 413 chunk
 * extensions too large, 408 timed out, 400 otherwise). The connection is closed either way.
 */
export function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  // A response already under way on this connection: nothing more can be said on it.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const status =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? 431
      : err.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW'
        ? 413
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? 408
          : 400;
  const reason = { 400: 'Bad Request', 408: 'Request Timeout', 413: 'Payload Too Large', 431: 'Request Header Fields Too Large' }[status];
  const body =
    err.code === 'HPE_INVALID_URL'
      ? `${JSON.stringify({ error: 'bad_url', message: BAD_URL })}\n`
      : '';
  const head = [
    `HTTP/1.1 ${status} ${reason}`,
    'Connection: close',
    ...(body ? ['Content-Type: application/json; charset=utf-8', `Content-Length: ${Buffer.byteLength(body)}`] : []),
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}

/** The API's messages are English (bot/api/*); the example is the README's. */
const BAD_URL =
  'http: the URL has characters HTTP does not allow unencoded (Chinese in a query): percent-encode them, ' +
  'e.g. /api/rates?region=%E7%A6%8F%E5%B7%9E for region=福州; with curl: ' +
  'curl -G --data-urlencode region=福州 …/api/rates (browsers and HTTP libraries encode by themselves)';
