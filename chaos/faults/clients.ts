/**
 * The three ways the chaos engine reaches the lab: Toxiproxy (links), the pg-mock admin API
 * (the PG's own faults), and Kafka plus the DB (injected messages). Each is a small port so the
 * engine can be tested with fakes and the runner wires the real ones.
 */
import { Kafka, logLevel, type Producer } from 'kafkajs';
import pg from 'pg';
import { Toxiproxy } from 'toxiproxy-node-client';
import { kafkaBrokers, type LabConfig } from '../../system/src/config.ts';
import type { FaultProfile, LedgerEntry } from '../../system/pg-mock/contract.ts';
import { poisonKeyPrefix } from '../checker/history.ts';
import type { PgFaultSettings, ToxicKind } from './spec.ts';

export interface LinkControl {
  addToxic(
    proxy: string,
    toxic: {
      name: string;
      type: Exclude<ToxicKind, 'down'>;
      stream: 'upstream' | 'downstream';
      toxicity: number;
      attributes: Record<string, number>;
    },
  ): Promise<void>;
  removeToxic(proxy: string, name: string): Promise<void>;
  setEnabled(proxy: string, enabled: boolean): Promise<void>;
  /** Every proxy enabled, every toxic removed. */
  resetAll(): Promise<void>;
}

export function toxiproxyLinks(config: LabConfig): LinkControl {
  const { host, port } = config.services.toxiproxyApi;
  const client = new Toxiproxy(`http://${host}:${port}`);
  return {
    async addToxic(proxy, toxic) {
      const p = await client.get(proxy);
      await p.addToxic(toxic);
    },
    async removeToxic(proxy, name) {
      const p = await client.get(proxy);
      const toxic = await p.getToxic(name);
      await toxic.remove();
    },
    async setEnabled(proxy, enabled) {
      const p = await client.get(proxy);
      await p.update({ enabled, listen: p.listen, upstream: p.upstream });
    },
    resetAll: () => client.reset(),
  };
}

export class PgAdminError extends Error {
  override name = 'PgAdminError';
}

export interface PgAdmin {
  setFaults(settings: PgFaultSettings & { seed: number }): Promise<FaultProfile>;
  resetFaults(): Promise<void>;
  ledger(): Promise<LedgerEntry[]>;
}

function isLedgerEntry(v: unknown): v is LedgerEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return (
    typeof e.paymentId === 'string' &&
    typeof e.transactionId === 'string' &&
    typeof e.status === 'string' &&
    typeof e.createdAt === 'string'
  );
}

export function pgAdmin(config: LabConfig, token: string, fetchImpl: typeof fetch = fetch): PgAdmin {
  const base = `http://${config.services.pgMock.host}:${config.services.pgMock.port}`;
  async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetchImpl(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (cause) {
      throw new PgAdminError(`pg-mock admin API at ${base} is not reachable`, { cause });
    }
    const text = await res.text();
    if (!res.ok)
      throw new PgAdminError(`pg-mock ${method} ${path} answered HTTP ${res.status}: ${text.slice(0, 200)}`);
    return text === '' ? null : (JSON.parse(text) as unknown);
  }
  return {
    async setFaults(settings) {
      return (await call('PUT', '/admin/faults', settings)) as FaultProfile;
    },
    async resetFaults() {
      await call('POST', '/admin/faults/reset');
    },
    async ledger() {
      const body = await call('GET', '/admin/ledger');
      if (!Array.isArray(body) || !body.every(isLedgerEntry))
        throw new PgAdminError('pg-mock /admin/ledger did not answer a list of ledger entries');
      return body;
    },
  };
}

export interface MessageInjector {
  /** Publishes undecodable messages; returns how many the broker acknowledged. */
  poison(count: number): Promise<number>;
  /** Publishes again up to `count` already-processed events of the run; returns how many. */
  redeliver(count: number): Promise<number>;
  close(): Promise<void>;
}

/** What the injector needs of a Kafka producer (a port, so key allocation is testable). */
export type InjectorProducer = Pick<Producer, 'connect' | 'send' | 'disconnect'>;

export function kafkaInjector(
  config: LabConfig,
  pool: pg.Pool,
  runId: string,
  newProducer: () => InjectorProducer = () =>
    new Kafka({
      clientId: `${config.kafka.clientId}-chaos`,
      brokers: kafkaBrokers(config),
      logLevel: logLevel.NOTHING,
    }).producer({ allowAutoTopicCreation: false }),
): MessageInjector {
  let producer: InjectorProducer | null = null;
  async function connected(): Promise<InjectorProducer> {
    if (!producer) {
      producer = newProducer();
      await producer.connect();
    }
    return producer;
  }
  // Poison keys are unique within the run, across injections: the checker counts them by key.
  let poisoned = 0;
  const topic = config.topics.paymentEvents.name;
  return {
    async poison(count) {
      const p = await connected();
      const first = poisoned;
      poisoned += count;
      const messages = Array.from({ length: count }, (_, i) => ({
        key: `${poisonKeyPrefix(runId)}${first + i}`,
        value: `{"not":"a payment event" ${first + i}`,
      }));
      await p.send({ topic, acks: -1, messages });
      return count;
    },
    async redeliver(count) {
      // The same key, value and headers the relay publishes, so the worker cannot tell them apart.
      const { rows } = await pool.query<{
        event_id: string;
        event_type: string;
        partition_key: string;
        payload: unknown;
      }>(
        `SELECT o.event_id, o.event_type, o.partition_key, o.payload
           FROM outbox o
           JOIN payments p ON p.id = o.aggregate_id
           JOIN processed_events e ON e.event_id = o.event_id
          WHERE o.status = 'sent' AND p.idempotency_key LIKE $1
          ORDER BY o.sent_at DESC
          LIMIT $2`,
        [`${runId}-%`, count],
      );
      if (rows.length === 0) return 0;
      const p = await connected();
      await p.send({
        topic,
        acks: -1,
        messages: rows.map((r) => ({
          key: r.partition_key,
          value: JSON.stringify(r.payload),
          headers: { 'event-id': r.event_id, 'event-type': r.event_type },
        })),
      });
      return rows.length;
    },
    async close() {
      if (producer) await producer.disconnect().catch(() => undefined);
      producer = null;
    },
  };
}

export function labPool(config: LabConfig, connectionString: string): pg.Pool {
  return new pg.Pool({
    connectionString,
    max: 2,
    connectionTimeoutMillis: 5_000,
    statement_timeout: 30_000,
    application_name: `${config.kafka.clientId}-scenario`,
  });
}
