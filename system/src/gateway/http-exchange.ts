/**
 * One HTTP exchange with the PG, reduced to what decides "did it happen?": a response, a request
 * that surely never reached the PG (the connection was never made), or one whose answer was lost
 * after the connection was made (it may have been processed). node:http rather than fetch so the
 * connected-or-not fact is observed directly instead of guessed from wrapped error messages.
 */
import http from 'node:http';

export type Exchange =
  | { kind: 'response'; status: number; headers: http.IncomingHttpHeaders; body: string }
  | { kind: 'not-sent'; detail: string }
  | { kind: 'lost'; reason: 'timeout' | 'connection-reset'; detail: string };

export interface ExchangeRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  timeoutMs: number;
}

const MAX_BODY_BYTES = 64 * 1024;

export function exchange(agent: http.Agent, base: URL, request: ExchangeRequest): Promise<Exchange> {
  return new Promise((resolve) => {
    let connected = false;
    let timedOut = false;
    let settled = false;
    const finish = (result: Exchange): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
    const req = http.request({
      agent,
      host: base.hostname,
      port: base.port,
      method: request.method,
      path: request.path,
      headers: {
        accept: 'application/json',
        ...(payload === undefined
          ? {}
          : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
      },
    });
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy(new Error(`no answer within ${request.timeoutMs} ms`));
    }, request.timeoutMs);

    req.on('socket', (socket) => {
      // A pooled keep-alive socket is already connected; a new one reports it with 'connect'.
      if (!socket.connecting) connected = true;
      else socket.once('connect', () => (connected = true));
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      const detail = error.code ? `${error.code}: ${error.message}` : error.message;
      if (!connected)
        return finish({ kind: 'not-sent', detail: timedOut ? `connect timeout: ${detail}` : detail });
      finish({ kind: 'lost', reason: timedOut ? 'timeout' : 'connection-reset', detail });
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          req.destroy(new Error(`response body over ${MAX_BODY_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () =>
        finish({
          kind: 'response',
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      // A body cut off mid-way: the status line arrived but the answer did not.
      const cutOff = (detail: string): void =>
        finish({
          kind: 'lost',
          reason: timedOut ? 'timeout' : 'connection-reset',
          detail: `response cut off: ${detail}`,
        });
      res.on('error', (error) => cutOff(error.message));
      res.on('close', () => {
        if (!res.complete) cutOff('connection closed');
      });
    });
    req.end(payload);
  });
}
