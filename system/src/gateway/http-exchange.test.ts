/**
 * Wire-level cases a well-behaved HTTP server never produces, played by a raw TCP server on
 * loopback: a body cut off, an answer that stops mid-way, a connection closed before answering,
 * a redirect, an oversized body. Each must end as an outcome, never a thrown error.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpPgClient, mapCapture, type HttpPgClient } from './pg-client.ts';

const request = {
  paymentId: 'p',
  orderId: 'o',
  pgIdempotencyKey: 'k',
  amount: 1,
  currency: 'KRW',
  method: 'card' as const,
  methodReference: 'tok',
};

const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();
const clients: HttpPgClient[] = [];
afterEach(async () => {
  while (clients.length) clients.pop()?.close();
  sockets.forEach((socket) => socket.destroy());
  for (const server of servers.splice(0)) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** A TCP server that answers every request with `respond` once the request head has arrived. */
async function rawServer(respond: (socket: net.Socket) => void): Promise<HttpPgClient> {
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let seen = '';
    socket.on('data', (chunk) => {
      seen += chunk.toString();
      if (seen.includes('\r\n\r\n')) {
        seen = '';
        respond(socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const client = createHttpPgClient({
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    timeoutMs: 300,
  });
  clients.push(client);
  return client;
}

describe('HTTP exchange edge cases', () => {
  it('when the connection closes before any answer, then unknown: connection-reset', async () => {
    const client = await rawServer((socket) => socket.end());
    expect(await client.capture(request)).toMatchObject({ kind: 'unknown', reason: 'connection-reset' });
  });

  it('when the body is cut off after the status line, then unknown, not captured', async () => {
    const client = await rawServer((socket) => {
      socket.write(
        'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"transactionId":"tx',
      );
      socket.destroy();
    });
    expect(await client.capture(request)).toMatchObject({ kind: 'unknown', reason: 'connection-reset' });
  });

  it('when the answer stalls mid-body past the deadline, then unknown: timeout', async () => {
    const client = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"tra');
    });
    expect(await client.capture(request)).toMatchObject({ kind: 'unknown', reason: 'timeout' });
  });

  it('when the server accepts but never answers, then unknown: timeout', async () => {
    const client = await rawServer(() => undefined);
    const started = Date.now();
    expect(await client.capture(request)).toMatchObject({ kind: 'unknown', reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('when the answer is a redirect, then unknown: bad-response', async () => {
    const client = await rawServer((socket) =>
      socket.write('HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n'),
    );
    expect(await client.capture(request)).toMatchObject({ kind: 'unknown', reason: 'bad-response' });
  });

  it('when the body is oversized, then unknown rather than buffered forever', async () => {
    const client = await rawServer((socket) => {
      const body = 'x'.repeat(100_000);
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    });
    expect((await client.capture(request)).kind).toBe('unknown');
  });

  it('a 200 whose JSON is not a capture result is unknown: bad-response', () => {
    const outcome = mapCapture({ kind: 'response', status: 200, headers: {}, body: '{"ok":true}' });
    expect(outcome).toMatchObject({ kind: 'unknown', reason: 'bad-response' });
  });

  it('a 502 from something in between is unknown: server-error; a 503 without Retry-After is rejected', () => {
    expect(mapCapture({ kind: 'response', status: 502, headers: {}, body: '' })).toMatchObject({
      kind: 'unknown',
      reason: 'server-error',
    });
    expect(mapCapture({ kind: 'response', status: 503, headers: {}, body: '' })).toEqual({
      kind: 'rejected',
      reason: 'HTTP 503',
    });
    expect(mapCapture({ kind: 'response', status: 429, headers: { 'retry-after': '4' }, body: '' })).toEqual({
      kind: 'rejected',
      reason: 'HTTP 429',
      retryAfterMs: 4000,
    });
  });
});
