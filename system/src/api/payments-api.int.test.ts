/**
 * The payment API against the real PostgreSQL and Redis, through their Toxiproxy links, on a
 * database cloned for this file. Requests go over real HTTP (listen on port 0) where concurrency
 * matters, app.inject() elsewhere.
 */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTBOX_CHANNEL } from '../db/channels.ts';
import { METRICS } from '../metric-names.ts';
import { counterValue, startTestApi, type TestApi } from './testing/test-api.ts';

let api: TestApi;
let baseUrl: string;

beforeAll(async () => {
  api = await startTestApi('api');
  baseUrl = await api.app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await api?.close();
});

function paymentBody(overrides: Record<string, unknown> = {}) {
  return {
    orderId: `order-${randomUUID().slice(0, 8)}`,
    amount: 15_000,
    currency: 'KRW',
    method: 'card',
    methodReference: 'tok_visa_4242',
    items: [
      { name: 'americano', quantity: 2, unitPrice: 5_000 },
      { name: 'cake', quantity: 1, unitPrice: 5_000 },
    ],
    ...overrides,
  };
}

function create(body: unknown, key: string | undefined, apiKey = api.keys.a) {
  return api.app.inject({
    method: 'POST',
    url: '/payments',
    headers: { authorization: `Bearer ${apiKey}`, ...(key === undefined ? {} : { 'idempotency-key': key }) },
    payload: body as Record<string, unknown>,
  });
}

async function rowCount(sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await api.pool.query<{ n: string }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

describe('when a merchant creates a payment', () => {
  it('then one transaction wrote the payment, its items, a real history snapshot, the outbox event and the idempotency record', async () => {
    const key = randomUUID();
    const body = paymentBody();
    const response = await create(body, key);
    expect(response.statusCode).toBe(201);
    const envelope = response.json();
    expect(envelope).toMatchObject({
      code: 2005,
      message: 'payment requested',
      data: { state: 'requested', amount: 15_000 },
    });
    const id: string = envelope.data.id;

    const payment = await api.pool.query('SELECT * FROM payments WHERE id = $1', [id]);
    expect(payment.rows[0]).toMatchObject({
      merchant_id: 'api-merchant-a',
      order_id: body.orderId,
      amount: '15000',
      state: 'requested',
      idempotency_key: key,
      method_reference: 'tok_visa_4242',
      method_display: 'card **** 4242',
      event_sequence: 1,
    });
    const items = await api.pool.query(
      'SELECT name, quantity, amount FROM payment_items WHERE payment_id = $1 ORDER BY line_no',
      [id],
    );
    expect(items.rows).toEqual([
      { name: 'americano', quantity: 2, amount: '10000' },
      { name: 'cake', quantity: 1, amount: '5000' },
    ]);
    const history = await api.pool.query(
      'SELECT previous_state, new_state, changed_by, snapshot FROM payment_history WHERE payment_id = $1',
      [id],
    );
    expect(history.rows).toHaveLength(1);
    expect(history.rows[0]).toMatchObject({
      previous_state: null,
      new_state: 'requested',
      changed_by: 'api',
    });
    expect(history.rows[0].snapshot).toMatchObject({
      id,
      state: 'requested',
      amount: 15000,
      items: [{ name: 'americano' }, { name: 'cake' }],
    });

    const outbox = await api.pool.query('SELECT * FROM outbox WHERE aggregate_id = $1', [id]);
    expect(outbox.rows).toHaveLength(1);
    expect(outbox.rows[0]).toMatchObject({
      event_type: 'payment.requested',
      partition_key: id,
      status: 'pending',
      attempts: 0,
    });
    expect(outbox.rows[0].payload).toMatchObject({
      type: 'payment.requested',
      paymentId: id,
      merchantId: 'api-merchant-a',
      sequence: 1,
      amount: 15000,
      currency: 'KRW',
      method: 'card',
      methodReference: 'tok_visa_4242',
    });
    expect(outbox.rows[0].payload.eventId).toBe(outbox.rows[0].event_id);

    const record = await api.pool.query(
      'SELECT state, payment_id, response_status FROM idempotency_records WHERE idempotency_key = $1',
      [key],
    );
    expect(record.rows).toEqual([{ state: 'completed', payment_id: id, response_status: 201 }]);
  });

  it('then GET returns it to the same merchant and 404 to another merchant, who cannot cancel it either', async () => {
    const created = (await create(paymentBody(), randomUUID())).json();
    const id: string = created.data.id;

    const own = await api.app.inject({
      method: 'GET',
      url: `/payments/${id}`,
      headers: { authorization: `Bearer ${api.keys.a}` },
    });
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({
      code: 2007,
      data: { id, state: 'requested', orderId: created.data.orderId },
    });
    expect(own.json().data).not.toHaveProperty('methodReference');

    const other = await api.app.inject({
      method: 'GET',
      url: `/payments/${id}`,
      headers: { authorization: `Bearer ${api.keys.b}` },
    });
    expect(other.statusCode).toBe(404);
    expect(other.json()).toMatchObject({ code: 4004, errors: [{ field: 'id' }] });

    const cancel = await api.app.inject({
      method: 'POST',
      url: `/payments/${id}/cancel`,
      headers: { authorization: `Bearer ${api.keys.b}` },
    });
    expect(cancel.statusCode).toBe(404);
    expect((await api.pool.query('SELECT state FROM payments WHERE id = $1', [id])).rows[0]).toEqual({
      state: 'requested',
    });
  });

  it('then the relay is woken by a NOTIFY on commit carrying the payment id', async () => {
    const listener = new pg.Client({ connectionString: api.db.url });
    await listener.connect();
    try {
      await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
      const notified = new Promise<string>((resolve) =>
        listener.on('notification', (n) => resolve(n.payload ?? '')),
      );
      const id = (await create(paymentBody(), randomUUID())).json().data.id;
      await expect(notified).resolves.toBe(id);
    } finally {
      await listener.end();
    }
  });

  it('then requests without a valid bearer key are refused with 401 and write nothing', async () => {
    const before = await rowCount('SELECT count(*) AS n FROM payments');
    const response = await create(paymentBody(), randomUUID(), 'sk_test_not_a_key');
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 4001, errors: [{ field: 'authorization', value: null }] });
    expect(response.body).not.toContain('sk_test_not_a_key');
    expect(await rowCount('SELECT count(*) AS n FROM payments')).toBe(before);
  });
});

describe('idempotency', () => {
  it('when the same key and parameters come again, then the original status and body are replayed byte for byte', async () => {
    const key = randomUUID();
    const body = paymentBody();
    const replaysBefore = await counterValue(api.registry, METRICS.idempotencyReplays, { source: 'redis' });
    const first = await create(body, key);
    // Same parameters with keys in another order: still the same request.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const second = await create(reordered, key);
    expect(second.statusCode).toBe(first.statusCode);
    expect(second.body).toBe(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await counterValue(api.registry, METRICS.idempotencyReplays, { source: 'redis' })).toBe(
      replaysBefore + 1,
    );
    expect(await rowCount('SELECT count(*) AS n FROM payments WHERE idempotency_key = $1', [key])).toBe(1);
  });

  it('when Redis lost the cached answer, then the database replays it', async () => {
    const key = randomUUID();
    const body = paymentBody();
    const first = await create(body, key);
    await api.redis.del(`paylab:idem:api-merchant-a:${key}`);
    const before = await counterValue(api.registry, METRICS.idempotencyReplays, { source: 'db' });
    const second = await create(body, key);
    expect(second.body).toBe(first.body);
    expect(await counterValue(api.registry, METRICS.idempotencyReplays, { source: 'db' })).toBe(before + 1);
  });

  it('when another request holds the key in Redis, then 409 / 1008 with Retry-After and nothing is written', async () => {
    const key = randomUUID();
    await api.redis.set(`paylab:idem-lock:api-merchant-a:${key}`, '1', 'PX', 5_000);
    const response = await create(paymentBody(), key);
    expect(response.statusCode).toBe(409);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json()).toMatchObject({ code: 1008 });
    expect(
      await rowCount('SELECT count(*) AS n FROM idempotency_records WHERE idempotency_key = $1', [key]),
    ).toBe(0);
    await api.redis.del(`paylab:idem-lock:api-merchant-a:${key}`);
    expect((await create(paymentBody(), key)).statusCode).toBe(201);
  });

  it('when Redis holds an unreadable value for the key, then the database decides', async () => {
    const key = randomUUID();
    const body = paymentBody();
    const first = await create(body, key);
    await api.redis.set(`paylab:idem:api-merchant-a:${key}`, '{"not":"a record"}', 'EX', 60);
    const second = await create(body, key);
    expect(second.body).toBe(first.body);
    expect(await rowCount('SELECT count(*) AS n FROM payments WHERE idempotency_key = $1', [key])).toBe(1);
  });

  it('when the same key comes with different parameters, then 422 / 1007 and nothing new is written', async () => {
    const key = randomUUID();
    await create(paymentBody({ orderId: 'first' }), key);
    const mismatch = await create(paymentBody({ orderId: 'second' }), key);
    expect(mismatch.statusCode).toBe(422);
    expect(mismatch.json()).toMatchObject({ code: 1007, errors: [{ field: 'idempotency-key' }] });
    expect(await rowCount('SELECT count(*) AS n FROM payments WHERE idempotency_key = $1', [key])).toBe(1);
  });

  it('when two merchants use the same key, then each gets its own payment', async () => {
    const key = randomUUID();
    const a = await create(paymentBody(), key, api.keys.a);
    const b = await create(paymentBody(), key, api.keys.b);
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(a.json().data.id).not.toBe(b.json().data.id);
  });

  it('when 20 requests with one key race over HTTP, then exactly one payment exists and every answer is that payment or 409 in progress', async () => {
    const key = randomUUID();
    const body = JSON.stringify(paymentBody());
    const acceptedBefore = await counterValue(api.registry, METRICS.paymentsAccepted);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${baseUrl}/payments`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${api.keys.a}`,
            'idempotency-key': key,
            'content-type': 'application/json',
          },
          body,
        }).then(async (r) => ({ status: r.status, body: await r.text() })),
      ),
    );
    expect(await rowCount('SELECT count(*) AS n FROM payments WHERE idempotency_key = $1', [key])).toBe(1);
    expect(
      await rowCount(
        'SELECT count(*) AS n FROM outbox o JOIN payments p ON p.id = o.aggregate_id WHERE p.idempotency_key = $1',
        [key],
      ),
    ).toBe(1);
    const created = responses.filter((r) => r.status === 201);
    const inProgress = responses.filter((r) => r.status === 409);
    expect(created.length + inProgress.length).toBe(20);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.body)).size).toBe(1);
    for (const r of inProgress) expect(JSON.parse(r.body)).toMatchObject({ code: 1008 });
    expect(await counterValue(api.registry, METRICS.paymentsAccepted)).toBe(acceptedBefore + 1);
    expect(
      await counterValue(api.registry, METRICS.idempotencyConflicts, { reason: 'in_progress' }),
    ).toBeGreaterThanOrEqual(inProgress.length);
  });
});

describe('malformed requests', () => {
  const cases: {
    name: string;
    headers?: Record<string, string>;
    payload: string;
    status: number;
    code: number;
    field?: string;
  }[] = [
    { name: 'invalid JSON', payload: '{"orderId": ', status: 400, code: 4000, field: 'body' },
    { name: 'empty JSON body', payload: '', status: 400, code: 4000, field: 'body' },
    { name: 'a JSON array', payload: '[]', status: 400, code: 4000, field: '/' },
    {
      name: 'amount as a string',
      payload: JSON.stringify(paymentBody({ amount: '15000' })),
      status: 400,
      code: 4000,
      field: '/amount',
    },
    {
      name: 'a fractional amount',
      payload: JSON.stringify(paymentBody({ amount: 150.5 })),
      status: 400,
      code: 4000,
      field: '/amount',
    },
    {
      name: 'a zero amount',
      payload: JSON.stringify(paymentBody({ amount: 0 })),
      status: 400,
      code: 1010,
      field: '/amount',
    },
    {
      name: 'a negative amount',
      payload: JSON.stringify(paymentBody({ amount: -1 })),
      status: 400,
      code: 1010,
      field: '/amount',
    },
    {
      name: 'items not adding up',
      payload: JSON.stringify(paymentBody({ amount: 14_999 })),
      status: 400,
      code: 1009,
      field: '/items',
    },
    {
      name: 'an unknown field',
      payload: JSON.stringify(paymentBody({ cardNumber: '4111111111111111' })),
      status: 400,
      code: 4000,
      field: '/cardNumber',
    },
    {
      name: 'an unknown item field',
      payload: JSON.stringify(
        paymentBody({ items: [{ name: 'x', quantity: 1, unitPrice: 15_000, sku: 'a' }] }),
      ),
      status: 400,
      code: 4000,
      field: '/items/0/sku',
    },
    {
      name: 'an unknown method',
      payload: JSON.stringify(paymentBody({ method: 'cash' })),
      status: 400,
      code: 4000,
      field: '/method',
    },
    {
      name: 'a card number as reference',
      payload: JSON.stringify(paymentBody({ methodReference: '4111111111111111' })),
      status: 400,
      code: 4000,
      field: '/methodReference',
    },
    {
      name: 'a lowercase currency',
      payload: JSON.stringify(paymentBody({ currency: 'krw' })),
      status: 400,
      code: 4000,
      field: '/currency',
    },
    {
      name: 'a missing field',
      payload: JSON.stringify({ ...paymentBody(), orderId: undefined }),
      status: 400,
      code: 4000,
      field: '/orderId',
    },
    {
      name: 'prototype poisoning',
      payload: '{"__proto__": {"admin": true}}',
      status: 400,
      code: 4000,
      field: 'body',
    },
    {
      name: 'an oversize body',
      payload: JSON.stringify(paymentBody({ orderId: 'x'.repeat(70_000) })),
      status: 413,
      code: 4013,
      field: 'body',
    },
    {
      name: 'a text/plain body',
      headers: { 'content-type': 'text/plain' },
      payload: 'hello',
      status: 415,
      code: 4015,
      field: 'body',
    },
  ];

  for (const c of cases) {
    it(`when the body is ${c.name}, then ${c.status} / ${c.code} names ${c.field} and nothing is written`, async () => {
      const before = await rowCount('SELECT count(*) AS n FROM payments');
      const response = await api.app.inject({
        method: 'POST',
        url: '/payments',
        headers: {
          authorization: `Bearer ${api.keys.a}`,
          'idempotency-key': randomUUID(),
          'content-type': 'application/json',
          ...c.headers,
        },
        payload: c.payload,
      });
      expect(response.statusCode).toBe(c.status);
      const envelope = response.json();
      expect(envelope.code).toBe(c.code);
      expect(envelope.message).toEqual(expect.any(String));
      expect(envelope.errors.map((e: { field: string }) => e.field)).toContain(c.field);
      expect(response.body).not.toMatch(/at .*\.ts:\d+|4111111111111111/);
      expect(await rowCount('SELECT count(*) AS n FROM payments')).toBe(before);
    });
  }

  it('when the Idempotency-Key header is missing or malformed, then 400 / 1011', async () => {
    for (const headers of [
      {},
      { 'idempotency-key': '' },
      { 'idempotency-key': 'has space' },
      { 'idempotency-key': 'x'.repeat(256) },
    ]) {
      const response = await api.app.inject({
        method: 'POST',
        url: '/payments',
        headers: { authorization: `Bearer ${api.keys.a}`, ...headers },
        payload: paymentBody(),
      });
      expect(response.statusCode, JSON.stringify(headers)).toBe(400);
      const envelope = response.json();
      expect(envelope.code).toBe(1011);
      expect(envelope.errors[0]).toMatchObject({ field: 'idempotency-key', value: null });
    }
  });

  it('when the payment id is not a uuid or the route does not exist, then 400 or 404 envelopes', async () => {
    const badId = await api.app.inject({
      method: 'GET',
      url: '/payments/not-a-uuid',
      headers: { authorization: `Bearer ${api.keys.a}` },
    });
    expect(badId.statusCode).toBe(400);
    expect(badId.json()).toMatchObject({ code: 4000, errors: [{ field: 'id', value: 'not-a-uuid' }] });
    const noRoute = await api.app.inject({ method: 'DELETE', url: '/refunds' });
    expect(noRoute.statusCode).toBe(404);
    expect(noRoute.json()).toMatchObject({ code: 4004 });
  });
});

describe('bad input that used to answer 500 (issue 8 §6)', () => {
  const tableCounts = async () => ({
    payments: await rowCount('SELECT count(*) AS n FROM payments'),
    history: await rowCount('SELECT count(*) AS n FROM payment_history'),
    outbox: await rowCount('SELECT count(*) AS n FROM outbox'),
    records: await rowCount('SELECT count(*) AS n FROM idempotency_records'),
  });

  function expectEnvelope(response: { statusCode: number; body: string }, status: number, code: number) {
    expect(response.statusCode, response.body).toBe(status);
    const envelope = JSON.parse(response.body) as { code: number; message: string; errors: unknown[] };
    expect(envelope.code).toBe(code);
    expect(envelope.errors.length).toBeGreaterThan(0);
    return envelope as { code: number; errors: { field: string; value: unknown; reason: string }[] };
  }

  // PostgreSQL text cannot hold U+0000 and its json types refuse an unpaired surrogate escape:
  // both used to reach the database and come back as 5000.
  for (const [what, name] of [
    ['a NUL character', 'cake\u0000'],
    ['an unpaired surrogate', 'cake\ud800'],
    ['a control character', 'cake\u0007'],
  ] as const) {
    it(`when an item name holds ${what}, then 400 / 4000 names /items/0/name and nothing is stored`, async () => {
      const before = await tableCounts();
      const response = await create(
        paymentBody({ amount: 5_000, items: [{ name, quantity: 1, unitPrice: 5_000 }] }),
        randomUUID(),
      );
      const envelope = expectEnvelope(response, 400, 4000);
      expect(envelope.errors.map((e) => e.field)).toContain('/items/0/name');
      expect(await tableCounts()).toEqual(before);
    });

    it(`when a cancel reason holds ${what}, then 400 / 4000 names /reason and nothing changes`, async () => {
      const id: string = (await create(paymentBody(), randomUUID())).json().data.id;
      const before = await tableCounts();
      const response = await api.app.inject({
        method: 'POST',
        url: `/payments/${id}/cancel`,
        headers: { authorization: `Bearer ${api.keys.a}` },
        payload: { reason: `changed mind ${name}` },
      });
      const envelope = expectEnvelope(response, 400, 4000);
      expect(envelope.errors.map((e) => e.field)).toContain('/reason');
      expect(await tableCounts()).toEqual(before);
      expect((await api.pool.query('SELECT state FROM payments WHERE id = $1', [id])).rows[0]).toEqual({
        state: 'requested',
      });
    });
  }

  it('when an item name holds an emoji (a paired surrogate), then it is accepted and stored as sent', async () => {
    const response = await create(
      paymentBody({ amount: 5_000, items: [{ name: 'cake 🍰', quantity: 1, unitPrice: 5_000 }] }),
      randomUUID(),
    );
    expect(response.statusCode, response.body).toBe(201);
    const id: string = response.json().data.id;
    const stored = await api.pool.query('SELECT name FROM payment_items WHERE payment_id = $1', [id]);
    expect(stored.rows).toEqual([{ name: 'cake 🍰' }]);
  });

  it('when a payment id is written urn:uuid:<uuid>, then GET and cancel answer 400 / 4000 naming id, and nothing changes', async () => {
    const id: string = (await create(paymentBody(), randomUUID())).json().data.id;
    const before = await tableCounts();
    const headers = { authorization: `Bearer ${api.keys.a}` };
    const get = await api.app.inject({ method: 'GET', url: `/payments/urn:uuid:${id}`, headers });
    expect(expectEnvelope(get, 400, 4000).errors[0]).toMatchObject({ field: 'id' });
    const cancel = await api.app.inject({ method: 'POST', url: `/payments/urn:uuid:${id}/cancel`, headers });
    expect(expectEnvelope(cancel, 400, 4000).errors[0]).toMatchObject({ field: 'id' });
    expect(await tableCounts()).toEqual(before);
  });

  it('when a known route is called with an undeclared method, then 405 / 4005 with Allow listing the declared ones', async () => {
    const id = randomUUID();
    const cases = [
      { method: 'DELETE', url: '/payments', allow: ['POST'] },
      { method: 'PUT', url: `/payments/${id}`, allow: ['GET', 'HEAD'] },
      { method: 'GET', url: `/payments/${id}/cancel`, allow: ['POST'] },
      { method: 'PATCH', url: '/idempotency-keys', allow: ['POST'] },
      // QUERY carries a body, so fastify checks its Content-Type before routing: still a method problem.
      { method: 'QUERY', url: `/payments/${id}`, allow: ['GET', 'HEAD'] },
    ] as const;
    const before = await tableCounts();
    for (const c of cases) {
      const response = await api.app.inject({
        method: c.method,
        url: c.url,
        headers: { authorization: `Bearer ${api.keys.a}` },
      });
      const envelope = expectEnvelope(response, 405, 4005);
      expect(envelope.errors[0]).toMatchObject({ field: 'method', value: c.method });
      const allow = String(response.headers.allow ?? '')
        .split(',')
        .map((m) => m.trim())
        .sort();
      expect(allow, `${c.method} ${c.url}`).toEqual([...c.allow].sort());
    }
    // An unknown path stays 404.
    expect((await api.app.inject({ method: 'DELETE', url: '/nowhere' })).statusCode).toBe(404);
    expect(await tableCounts()).toEqual(before);
  });

  it('when the HTTP request itself is malformed (an unknown method token), then 400 / 4000 in the envelope, not a bare fastify body', async () => {
    const { port } = new URL(baseUrl);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => {
        socket.write('FOO /payments HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      });
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString('utf8')));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw.toLowerCase()).toContain('content-type: application/json');
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as {
      code: number;
      errors: { field: string }[];
    };
    expect(body).toMatchObject({ code: 4000, errors: [{ field: 'request' }] });
  });

  for (const separator of ['.', '_', '/']) {
    it(`when a card number is written with "${separator}" separators, then it is refused unread and nothing is stored`, async () => {
      const card = ['4111', '1111', '1111', '1111'].join(separator);
      const before = await tableCounts();
      const response = await create(paymentBody({ methodReference: card }), randomUUID());
      const envelope = expectEnvelope(response, 400, 4000);
      expect(envelope.errors[0]).toMatchObject({ field: '/methodReference', value: null });
      expect(response.body).not.toContain('1111');
      expect(await tableCounts()).toEqual(before);
    });
  }
});

describe('cancel', () => {
  it('when a requested payment is canceled, then state, history and a cancel event with the next sequence commit together; a second cancel adds nothing', async () => {
    const id: string = (await create(paymentBody(), randomUUID())).json().data.id;
    const headers = { authorization: `Bearer ${api.keys.a}` };
    const first = await api.app.inject({
      method: 'POST',
      url: `/payments/${id}/cancel`,
      headers,
      payload: { reason: 'customer changed mind' },
    });
    expect(first.statusCode).toBe(202);
    expect(first.json()).toMatchObject({ code: 2006, data: { id, state: 'cancel_requested' } });

    const events = await api.pool.query(
      'SELECT event_type, payload FROM outbox WHERE aggregate_id = $1 ORDER BY created_at',
      [id],
    );
    expect(events.rows.map((r) => r.event_type)).toEqual(['payment.requested', 'payment.cancel_requested']);
    expect(events.rows[1].payload).toMatchObject({
      sequence: 2,
      reason: 'customer changed mind',
      paymentId: id,
    });
    const history = await api.pool.query(
      'SELECT previous_state, new_state FROM payment_history WHERE payment_id = $1 ORDER BY id',
      [id],
    );
    expect(history.rows).toEqual([
      { previous_state: null, new_state: 'requested' },
      { previous_state: 'requested', new_state: 'cancel_requested' },
    ]);

    const again = await api.app.inject({ method: 'POST', url: `/payments/${id}/cancel`, headers });
    expect(again.statusCode).toBe(202);
    expect(await rowCount('SELECT count(*) AS n FROM outbox WHERE aggregate_id = $1', [id])).toBe(2);
  });

  it('when ten cancels of one payment race, then exactly one cancel event and one history row are written and all answer 202', async () => {
    const id: string = (await create(paymentBody(), randomUUID())).json().data.id;
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        fetch(`${baseUrl}/payments/${id}/cancel`, {
          method: 'POST',
          headers: { authorization: `Bearer ${api.keys.a}` },
        }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(202));
    expect(
      await rowCount(
        `SELECT count(*) AS n FROM outbox WHERE aggregate_id = $1 AND event_type = 'payment.cancel_requested'`,
        [id],
      ),
    ).toBe(1);
    expect(
      await rowCount(
        `SELECT count(*) AS n FROM payment_history WHERE payment_id = $1 AND new_state = 'cancel_requested'`,
        [id],
      ),
    ).toBe(1);
  });

  it('when the payment has failed, then 409 / 1012 and no event', async () => {
    const id: string = (await create(paymentBody(), randomUUID())).json().data.id;
    await api.pool.query(`UPDATE payments SET state = 'failed' WHERE id = $1`, [id]);
    const response = await api.app.inject({
      method: 'POST',
      url: `/payments/${id}/cancel`,
      headers: { authorization: `Bearer ${api.keys.a}` },
    });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 1012, errors: [{ field: 'state', value: 'failed' }] });
    expect(await rowCount('SELECT count(*) AS n FROM outbox WHERE aggregate_id = $1', [id])).toBe(1);
  });
});

describe('operations endpoints', () => {
  it('issues idempotency keys that create payments', async () => {
    const issued = await api.app.inject({
      method: 'POST',
      url: '/idempotency-keys',
      headers: { authorization: `Bearer ${api.keys.a}` },
    });
    expect(issued.statusCode).toBe(201);
    const key: string = issued.json().data.idempotencyKey;
    expect((await create(paymentBody(), key)).statusCode).toBe(201);
  });

  it('reports ready with both dependencies up, and exposes route-pattern metrics and an OpenAPI document', async () => {
    const ready = await api.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.json()).toMatchObject({
      code: 2000,
      data: { status: 'ready', checks: { db: 'up', redis: 'up' } },
    });

    const metrics = await api.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(
      /paylab_http_requests_total\{route="\/payments",method="POST",status="201"\} \d+/,
    );
    expect(metrics.body).toMatch(
      /paylab_http_request_duration_seconds_bucket\{le="[\d.]+",route="\/payments\/:id",method="GET"/,
    );
    expect(metrics.body).toContain('nodejs_eventloop_lag_seconds');

    const doc = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/payments', '/payments/{id}', '/payments/{id}/cancel', '/idempotency-keys']),
    );
    expect(
      doc.paths['/payments'].post.requestBody.content['application/json'].schema.additionalProperties,
    ).toBe(false);
  });

  it('links the created payment id into GET and cancel in the OpenAPI document, by operation ids that exist', async () => {
    const doc = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const operationIds = new Set<string>();
    for (const item of Object.values(doc.paths) as Record<string, { operationId?: string }>[])
      for (const operation of Object.values(item))
        if (operation.operationId) operationIds.add(operation.operationId);
    const links = doc.paths['/payments'].post.responses['201'].links;
    expect(links).toMatchObject({
      GetCreatedPayment: { operationId: 'getPayment', parameters: { id: '$response.body#/data/id' } },
      CancelCreatedPayment: { operationId: 'cancelPayment', parameters: { id: '$response.body#/data/id' } },
    });
    expect(doc.paths['/payments/{id}'].get.operationId).toBe('getPayment');
    expect(doc.paths['/payments/{id}/cancel'].post.operationId).toBe('cancelPayment');
    for (const link of Object.values(links) as { operationId: string }[])
      expect(operationIds).toContain(link.operationId);
    expect(doc.paths['/idempotency-keys'].post.responses['201'].links.CreatePaymentWithKey).toMatchObject({
      operationId: 'createPayment',
      parameters: { 'header.idempotency-key': '$response.body#/data/idempotencyKey' },
    });
  });
});
