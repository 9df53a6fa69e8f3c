/**
 * The naive twin of the create (apiCommit=answer-first): the API answers 201 before its write
 * commits. With the db link down the answer still says "payment requested" while nothing is
 * written — exactly the accepted-but-absent payment the checker's accepted-created verdict
 * catches (scenario naive-answer-first). The robust default answers 503 instead (db-outage test).
 *
 * The test faults its OWN Toxiproxy proxy in front of the lab's PostgreSQL, leaving the shared
 * db link alone.
 */
import { randomUUID } from 'node:crypto';
import { type Proxy, Toxiproxy } from 'toxiproxy-node-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { METRICS } from '../metric-names.ts';
import { counterValue, startTestApi, type TestApi } from './testing/test-api.ts';

const PROXY_NAME = 'paylab-api-test-answer-first-db';

let api: TestApi;
let proxy: Proxy;

beforeAll(async () => {
  const config = loadConfig();
  const { host, port } = config.services.toxiproxyApi;
  const toxiproxy = new Toxiproxy(`http://${host}:${port}`);
  await (await toxiproxy.getAll())[PROXY_NAME]?.remove();
  const upstream = config.links.db.upstream;
  proxy = await toxiproxy.createProxy({
    name: PROXY_NAME,
    listen: '127.0.0.1:0',
    upstream: `${upstream.host}:${upstream.port}`,
  });
  const listenPort = Number(proxy.listen.slice(proxy.listen.lastIndexOf(':') + 1));
  api = await startTestApi('answer_first', {
    dbEndpoint: { host: '127.0.0.1', port: listenPort },
    commit: 'answer-first',
  });
});

afterAll(async () => {
  await proxy?.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
  await api?.close();
  await proxy?.remove();
});

function create(key: string) {
  return api.app.inject({
    method: 'POST',
    url: '/payments',
    headers: { authorization: `Bearer ${api.keys.a}`, 'idempotency-key': key },
    payload: {
      orderId: `order-${key.slice(0, 8)}`,
      amount: 500,
      currency: 'EUR',
      method: 'card',
      methodReference: 'tok_mc_4444',
      items: [{ name: 'pen', quantity: 5, unitPrice: 100 }],
    },
  });
}

async function setEnabled(enabled: boolean): Promise<void> {
  proxy = await proxy.update({ enabled, listen: proxy.listen, upstream: proxy.upstream });
}

/** Waits until the write behind an answer has ended with `outcome` (the counter moved past `before`). */
async function writeSettled(outcome: 'committed' | 'failed', before: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await counterValue(api.registry, METRICS.answeredBeforeCommit, { outcome })) <= before) {
    if (Date.now() > deadline) throw new Error(`no write behind an answer ended ${outcome} within 15 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function paymentCount(id: string): Promise<number> {
  const { rows } = await api.pool.query<{ n: string }>('SELECT count(*) AS n FROM payments WHERE id = $1', [
    id,
  ]);
  return Number(rows[0]?.n);
}

describe('apiCommit=answer-first (the naive twin)', () => {
  it('when the database is healthy, then the payment answered 201 is written behind the answer', async () => {
    const before = await counterValue(api.registry, METRICS.answeredBeforeCommit, { outcome: 'committed' });
    const response = await create(randomUUID());
    expect(response.statusCode).toBe(201);
    await writeSettled('committed', before);
    expect(await paymentCount(response.json().data.id)).toBe(1);
  });

  it('when the db link is down, then the API still answers 201 with a payment id, and that payment never exists', async () => {
    const before = await counterValue(api.registry, METRICS.answeredBeforeCommit, { outcome: 'failed' });
    await setEnabled(false);
    let id: string;
    try {
      const response = await create(randomUUID());
      expect(response.statusCode).toBe(201);
      expect(response.json()).toMatchObject({ code: 2005, data: { state: 'requested' } });
      id = response.json().data.id;
      await writeSettled('failed', before);
    } finally {
      await setEnabled(true);
    }
    // Accepted, yet absent: the database has no such payment, and GET says so.
    expect(await paymentCount(id)).toBe(0);
    const read = await api.app.inject({
      method: 'GET',
      url: `/payments/${id}`,
      headers: { authorization: `Bearer ${api.keys.a}` },
    });
    expect(read.statusCode).toBe(404);
  });
});
