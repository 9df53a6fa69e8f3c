import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerSummary } from './contract.ts';
import { METRICS } from '../src/metric-names.ts';
import { buildPgMock, type PgMock } from './server.ts';

const TOKEN = 'pgadm_test_token_0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

function capture(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    paymentId: 'p1',
    orderId: 'order-1',
    pgIdempotencyKey: 'p1:1',
    amount: 1000,
    currency: 'KRW',
    method: 'card',
    methodReference: 'tok_1',
    ...overrides,
  };
}

let pg: PgMock;
beforeEach(() => {
  pg = buildPgMock({ seed: 42, adminToken: TOKEN });
});
afterEach(async () => {
  await pg.app.close();
});

async function post(url: string, payload: Record<string, unknown>) {
  return pg.app.inject({ method: 'POST', url, payload });
}

async function metricsText(): Promise<string> {
  return (await pg.app.inject({ method: 'GET', url: '/metrics' })).body;
}

describe('metrics', () => {
  it('exports every pg metric of the shared table once a request was served', async () => {
    await post('/v1/captures', capture());
    const text = await metricsText();
    const pgNames = Object.values(METRICS).filter((name) => name.startsWith('paylab_pg_'));
    expect(pgNames.length).toBeGreaterThanOrEqual(6);
    for (const name of pgNames) expect(text).toContain(`# TYPE ${name} `);
    expect(text).toContain('paylab_pg_requests_total{operation="capture",outcome="captured"} 1');
  });
});

describe('PG API', () => {
  it('when the same key is captured twice, then both answers are the same booking', async () => {
    const first = await post('/v1/captures', capture());
    const second = await post('/v1/captures', capture());
    expect(first.statusCode).toBe(200);
    expect(second.json()).toEqual(first.json());
    expect(first.json()).toMatchObject({ status: 'captured', paymentId: 'p1', amount: 1000 });
    expect(pg.ledger.entries()).toHaveLength(1);
    expect(await metricsText()).toMatch(/paylab_pg_captures_total 1\n/);
  });

  it('when a key is reused for another amount, then 409 names the field and nothing is booked', async () => {
    await post('/v1/captures', capture());
    const reused = await post('/v1/captures', capture({ amount: 2000 }));
    expect(reused.statusCode).toBe(409);
    expect(reused.json()).toMatchObject({ code: 'idempotency_key_reused', errors: [{ field: 'amount' }] });
  });

  it('when one payment is captured under two keys, then the double capture is counted and listed', async () => {
    await post('/v1/captures', capture());
    await post('/v1/captures', capture({ pgIdempotencyKey: 'p1:2' }));
    expect(await metricsText()).toMatch(/paylab_pg_double_captures_total 1\n/);
    const summary = (
      await pg.app.inject({ method: 'GET', url: '/admin/ledger/summary', headers: auth })
    ).json<LedgerSummary>();
    expect(summary).toMatchObject({ captures: 2, doubleCaptures: 1 });
    expect(summary.paymentsWithMultipleCaptures[0]?.paymentId).toBe('p1');
  });

  it('inquiry: 404 not_found before any capture, the booking after', async () => {
    const before = await pg.app.inject({ method: 'GET', url: '/v1/captures/p1:1' });
    expect(before.statusCode).toBe(404);
    expect(before.json()).toMatchObject({ code: 'not_found' });
    const booked = (await post('/v1/captures', capture())).json();
    const after = await pg.app.inject({ method: 'GET', url: '/v1/captures/p1:1' });
    expect(after.json()).toEqual(booked);
  });

  it('refund: refunds a capture once, then answers the same refund again', async () => {
    const { transactionId } = (await post('/v1/captures', capture())).json<{ transactionId: string }>();
    const first = await post(`/v1/captures/${transactionId}/refund`, { pgIdempotencyKey: 'p1:1' });
    const again = await post(`/v1/captures/${transactionId}/refund`, { pgIdempotencyKey: 'p1:1' });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ status: 'refunded', transactionId });
    expect(again.json()).toEqual(first.json());
    expect(await metricsText()).toMatch(/paylab_pg_refunds_total 1\n/);
    expect((await post('/v1/captures/tx_unknown/refund', {})).statusCode).toBe(404);
  });

  it('bad input gets a 4xx error body naming the problem, never a stack trace', async () => {
    const invalid = await post('/v1/captures', capture({ amount: -5, extra: true }));
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({
      code: 'bad_request',
      errors: [{ field: 'extra' }, { field: 'amount' }],
    });
    const malformed = await pg.app.inject({
      method: 'POST',
      url: '/v1/captures',
      headers: { 'content-type': 'application/json' },
      payload: '{"paymentId": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    expect(malformed.body).not.toMatch(/at .*\.js:\d+/);
    const huge = await post('/v1/captures', capture({ orderId: 'x'.repeat(20_000) }));
    expect(huge.statusCode).toBe(413);
    const noRoute = await pg.app.inject({ method: 'GET', url: '/v2/nothing' });
    expect(noRoute.statusCode).toBe(404);
    expect(noRoute.json()).toMatchObject({ code: 'no_route' });
  });
});

describe('void by key, and a capture that lands after it', () => {
  const admin = (method: 'PUT' | 'DELETE' | 'GET', url: string) =>
    pg.app.inject({ method, url: `/admin${url}`, headers: auth });
  /** Until the held capture has reached the PG (inject runs it asynchronously). */
  async function untilWaiting(): Promise<void> {
    for (let i = 0; i < 500; i++) {
      const holds = (await admin('GET', '/holds')).json() as { waiting: number }[];
      if (holds[0]?.waiting === 1) return;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error('the held capture never reached the PG');
  }

  it('when nothing was booked under the key, then the void closes it: a capture arriving later is refused, never booked', async () => {
    const voided = await post('/v1/captures/p1:1/void', {});
    expect(voided.statusCode).toBe(200);
    expect(voided.json()).toEqual({ pgIdempotencyKey: 'p1:1', status: 'voided' });
    const late = await post('/v1/captures', capture());
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'key_voided' });
    const inquiry = await pg.app.inject({ method: 'GET', url: '/v1/captures/p1:1' });
    expect([inquiry.statusCode, inquiry.json().code]).toEqual([404, 'voided']);
    expect(pg.ledger.entries()).toHaveLength(0);
    expect((await post('/v1/captures/p1:1/void', {})).json()).toMatchObject({ status: 'voided' });
  });

  it('when the key was booked, then the void answers the booking and changes nothing (the caller refunds it)', async () => {
    const booked = (await post('/v1/captures', capture())).json();
    const voided = await post('/v1/captures/p1:1/void', {});
    expect(voided.statusCode).toBe(200);
    expect(voided.json()).toEqual(booked);
    expect(pg.ledger.entries()[0]?.status).toBe('captured');
  });

  it('when a capture is held at the PG and the void comes first, then releasing it books nothing', async () => {
    expect((await admin('PUT', '/holds/p1:1')).json()).toEqual({ pgIdempotencyKey: 'p1:1', waiting: 0 });
    const inFlight = post('/v1/captures', capture());
    await untilWaiting();
    expect((await admin('GET', '/holds')).json()).toEqual([{ pgIdempotencyKey: 'p1:1', waiting: 1 }]);
    expect(pg.ledger.entries()).toHaveLength(0);
    await post('/v1/captures/p1:1/void', {});
    expect((await admin('DELETE', '/holds/p1:1')).json()).toEqual({ released: 1 });
    expect((await inFlight).statusCode).toBe(409);
    expect(pg.ledger.entries()).toHaveLength(0);
  });

  it('when a held capture is released, then it is booked before the release answers', async () => {
    await admin('PUT', '/holds/p1:1');
    const inFlight = post('/v1/captures', capture());
    await untilWaiting();
    await admin('DELETE', '/holds/p1:1');
    expect(pg.ledger.entries().map((e) => e.status)).toEqual(['captured']);
    expect((await inFlight).statusCode).toBe(200);
    expect((await admin('GET', '/holds')).json()).toEqual([]);
  });
});

describe('order reference triggers', () => {
  it('HTTP_503: the first request of a key gets 503 + Retry-After and books nothing; the retry succeeds', async () => {
    const first = await post('/v1/captures', capture({ orderId: 'o-HTTP_503' }));
    expect(first.statusCode).toBe(503);
    expect(first.headers['retry-after']).toBe('1');
    expect(pg.ledger.entries()).toHaveLength(0);
    const retry = await post('/v1/captures', capture({ orderId: 'o-HTTP_503' }));
    expect(retry.statusCode).toBe(200);
  });

  it('FAIL: declined with 402, booked as declined, and the retry stays declined', async () => {
    const first = await post('/v1/captures', capture({ orderId: 'o-FAIL' }));
    expect(first.statusCode).toBe(402);
    expect(first.json()).toMatchObject({ status: 'declined', declineReason: 'simulated_failure' });
    const retry = await post('/v1/captures', capture({ orderId: 'o-FAIL' }));
    expect(retry.statusCode).toBe(402);
    expect(pg.ledger.summary()).toMatchObject({ captures: 0, declines: 1 });
  });

  it('JSON_ERROR: booked, then a 200 whose body is not JSON', async () => {
    const first = await post('/v1/captures', capture({ orderId: 'o-JSON_ERROR' }));
    expect(first.statusCode).toBe(200);
    expect(() => JSON.parse(first.body)).toThrow();
    expect(pg.ledger.summary().captures).toBe(1);
  });
});

describe('admin API', () => {
  it('refuses callers without the right bearer token', async () => {
    const none = await pg.app.inject({ method: 'GET', url: '/admin/faults' });
    const wrong = await pg.app.inject({
      method: 'GET',
      url: '/admin/faults',
      headers: { authorization: 'Bearer nope' },
    });
    const basic = await pg.app.inject({
      method: 'GET',
      url: '/admin/faults',
      headers: { authorization: TOKEN },
    });
    expect([none.statusCode, wrong.statusCode, basic.statusCode]).toEqual([401, 401, 401]);
    expect(wrong.body).not.toContain(TOKEN);
  });

  it('refuses a caller that is not on loopback', async () => {
    const remote = await pg.app.inject({
      method: 'GET',
      url: '/admin/faults',
      headers: auth,
      remoteAddress: '10.0.0.5',
    });
    expect(remote.statusCode).toBe(403);
  });

  it('sets, shows and resets the fault profile, and exports it as a metric', async () => {
    const put = await pg.app.inject({
      method: 'PUT',
      url: '/admin/faults',
      headers: auth,
      payload: { declineRate: 0.25 },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ declineRate: 0.25, seed: 42 });
    expect(
      (await pg.app.inject({ method: 'GET', url: '/admin/faults', headers: auth })).json(),
    ).toMatchObject({ declineRate: 0.25 });
    expect(await metricsText()).toContain('paylab_pg_fault_setting{fault="declineRate"} 0.25');
    const reset = await pg.app.inject({ method: 'POST', url: '/admin/faults/reset', headers: auth });
    expect(reset.json()).toMatchObject({ declineRate: 0, seed: 42 });
    expect(await metricsText()).toContain('paylab_pg_fault_setting{fault="declineRate"} 0\n');
  });

  it('refuses an invalid profile with 400 naming the field, and keeps the old one', async () => {
    const bad = await pg.app.inject({
      method: 'PUT',
      url: '/admin/faults',
      headers: auth,
      payload: { errorRate: 3, typo: 1 },
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['errorRate', 'typo']);
    expect(pg.faults.profile().errorRate).toBe(0);
  });

  it('with a decline rate of 1, every new capture is declined', async () => {
    await pg.app.inject({ method: 'PUT', url: '/admin/faults', headers: auth, payload: { declineRate: 1 } });
    for (let i = 0; i < 5; i++) {
      expect(
        (await post('/v1/captures', capture({ paymentId: `p${i}`, pgIdempotencyKey: `k${i}` }))).statusCode,
      ).toBe(402);
    }
  });

  it('with a 5xx rate of 1, captures fail with 500 and nothing is booked', async () => {
    await pg.app.inject({ method: 'PUT', url: '/admin/faults', headers: auth, payload: { errorRate: 1 } });
    expect((await post('/v1/captures', capture())).statusCode).toBe(500);
    expect((await pg.app.inject({ method: 'GET', url: '/v1/captures/p1:1' })).statusCode).toBe(500);
    expect(pg.ledger.entries()).toHaveLength(0);
  });

  it('lists the ledger (optionally for one payment) and resets it', async () => {
    await post('/v1/captures', capture());
    await post('/v1/captures', capture({ paymentId: 'p2', pgIdempotencyKey: 'p2:1' }));
    const all = await pg.app.inject({ method: 'GET', url: '/admin/ledger', headers: auth });
    expect(all.json()).toHaveLength(2);
    const one = await pg.app.inject({ method: 'GET', url: '/admin/ledger?paymentId=p2', headers: auth });
    expect(one.json()).toEqual([expect.objectContaining({ paymentId: 'p2', createdAt: expect.any(String) })]);
    const reset = await pg.app.inject({ method: 'POST', url: '/admin/ledger/reset', headers: auth });
    expect(reset.json()).toEqual({ cleared: 2 });
    expect(pg.ledger.entries()).toHaveLength(0);
  });
});

describe('body parsing', () => {
  it('an admin POST with a JSON content type and no body is accepted', async () => {
    const reset = await pg.app.inject({
      method: 'POST',
      url: '/admin/faults/reset',
      headers: { ...auth, 'content-type': 'application/json' },
    });
    expect(reset.statusCode).toBe(200);
  });

  it('a prototype-poisoning body is refused with 400', async () => {
    const poisoned = await pg.app.inject({
      method: 'PUT',
      url: '/admin/faults',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{"__proto__": {"declineRate": 1}}',
    });
    expect(poisoned.statusCode).toBe(400);
    expect(pg.faults.profile().declineRate).toBe(0);
  });

  it('an empty capture body is a 400 naming the body', async () => {
    const empty = await pg.app.inject({
      method: 'POST',
      url: '/v1/captures',
      headers: { 'content-type': 'application/json' },
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({ errors: [{ field: '(body)' }] });
  });
});

describe('reproducibility and races', () => {
  it('when two PGs share a seed and get the same requests in order, then they answer with the same statuses', async () => {
    const faults = { declineRate: 0.3, errorRate: 0.1, unavailableRate: 0.1 };
    async function statuses(seed: number): Promise<number[]> {
      const mock = buildPgMock({ seed, adminToken: TOKEN, faults });
      const out: number[] = [];
      for (let i = 0; i < 60; i++) {
        const res = await mock.app.inject({
          method: 'POST',
          url: '/v1/captures',
          payload: capture({ paymentId: `p${i}`, pgIdempotencyKey: `k${i}` }),
        });
        out.push(res.statusCode);
      }
      await mock.app.close();
      return out;
    }
    const first = await statuses(42);
    expect(await statuses(42)).toEqual(first);
    expect(new Set(first)).toEqual(new Set([200, 402, 500, 503]));
    expect(await statuses(43)).not.toEqual(first);
  });

  it('when 20 captures with one key race, then exactly one is booked and all answers agree', async () => {
    pg.faults.setProfile({ ...pg.faults.profile(), latencyMs: { min: 5, max: 30, tailRate: 0, tailMs: 0 } });
    const answers = await Promise.all(Array.from({ length: 20 }, () => post('/v1/captures', capture())));
    expect(pg.ledger.entries()).toHaveLength(1);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(pg.ledger.summary().doubleCaptures).toBe(0);
  });
});

describe('durability of answers (group commit)', () => {
  it("a capture is answered only once its booking is fsync'd, and a replay of it waits for that fsync too", async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paylab-pgmock-'));
    const held: ((error: Error | null) => void)[] = [];
    const durablePg = buildPgMock({
      seed: 42,
      adminToken: TOKEN,
      stateDir,
      journalFsync: (fd, done) => {
        fs.fsyncSync(fd);
        held.push(done);
      },
    });
    try {
      let answered = 0;
      const send = () =>
        durablePg.app.inject({ method: 'POST', url: '/v1/captures', payload: capture() }).then((r) => {
          answered += 1;
          return r;
        });
      const first = send();
      await new Promise((r) => setTimeout(r, 50));
      const replay = send();
      await new Promise((r) => setTimeout(r, 50));
      expect(durablePg.ledger.entries()).toHaveLength(1); // booked, on its way to disk
      expect(answered).toBe(0);
      expect(held).toHaveLength(1);
      held.shift()?.(null);
      const [a, b] = await Promise.all([first, replay]);
      expect(answered).toBe(2);
      expect(a.json()).toMatchObject({ status: 'captured' });
      expect(b.json()).toEqual(a.json());
    } finally {
      for (const done of held) done(null);
      await durablePg.app.close();
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
