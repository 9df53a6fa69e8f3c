/**
 * Reads the run's messages back from the payment-events, retry and dead-letter topics with a
 * consumer of its own, so "lost", dead letters, duplicates and publication order are observed on
 * the topics themselves rather than inferred from the stack's counters or its outbox flags.
 *
 * The runner records every partition's end offset before the first create (`topicMarks`); after
 * the drain, `readTopicsSince` reads from those marks up to the ends it finds then, with a fresh
 * consumer group per read that seeks every partition to its mark (and ignores anything before
 * it); the group commits nothing and is deleted afterwards.
 */
import { Kafka, logLevel, type Admin, type IHeaders, type KafkaMessage } from 'kafkajs';
import { kafkaBrokers, type LabConfig } from '../../system/src/config.ts';
import { EVENT_ID_HEADER, EVENT_TYPE_HEADER } from '../../system/src/relay/kafka-publisher.ts';
import { HEADERS } from '../../system/src/worker/retry-headers.ts';
import { TOPIC_ROLES, type TopicMessage, type TopicRole } from '../checker/history.ts';

/** Per topic role, per partition: the offset of the first message that belongs to the run. */
export type TopicMarks = Record<TopicRole, Record<number, string>>;

export class TopicReadError extends Error {
  override name = 'TopicReadError';
}

export function topicNames(config: LabConfig): Record<TopicRole, string> {
  return {
    events: config.topics.paymentEvents.name,
    retry: config.topics.retry.name,
    deadLetter: config.topics.deadLetter.name,
  };
}

function client(config: LabConfig, purpose: string): Kafka {
  return new Kafka({
    clientId: `${config.kafka.clientId}-checker-${purpose}`,
    brokers: kafkaBrokers(config),
    logLevel: logLevel.NOTHING,
    retry: { retries: 3 },
  });
}

async function withAdmin<T>(config: LabConfig, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = client(config, 'admin').admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** How long end offsets are retried while a broker is still electing or loading its partitions. */
export const END_OFFSETS_PATIENCE_MS = 15_000;
const END_OFFSETS_RETRY_MS = 500;

/** kafkajs' listOffsets does not refresh its metadata on NOT_LEADER_FOR_PARTITION (a broker that
 *  just started, a leader that just moved): the error comes straight back, retriable but not
 *  retried. Refresh and try again until the patience is spent. */
export async function endOffsets(
  admin: Pick<Admin, 'fetchTopicOffsets' | 'fetchTopicMetadata'>,
  names: Record<TopicRole, string>,
  patienceMs = END_OFFSETS_PATIENCE_MS,
): Promise<TopicMarks> {
  const giveUpAt = Date.now() + patienceMs;
  for (;;) {
    try {
      const marks = { events: {}, retry: {}, deadLetter: {} } as TopicMarks;
      for (const role of TOPIC_ROLES) {
        for (const p of await admin.fetchTopicOffsets(names[role])) marks[role][p.partition] = p.high;
      }
      return marks;
    } catch (error) {
      const retriable = (error as { retriable?: unknown }).retriable === true;
      if (!retriable || Date.now() >= giveUpAt) throw error;
      await new Promise((resolve) => setTimeout(resolve, END_OFFSETS_RETRY_MS));
      await admin.fetchTopicMetadata({ topics: Object.values(names) }).catch(() => undefined);
    }
  }
}

/** Every partition's end offset now: call before the first create so the run reads only its own. */
export async function topicMarks(config: LabConfig): Promise<TopicMarks> {
  return withAdmin(config, (admin) => endOffsets(admin, topicNames(config)));
}

function header(headers: IHeaders | undefined, name: string): string | null {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return null;
  return typeof first === 'string' ? first : first.toString('utf8');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The payment a message belongs to: its key when that is a payment id (the relay keys by it),
 *  else the paymentId of its JSON payload; null for anything undecodable. */
export function paymentIdOf(key: string | null, value: Buffer | null): string | null {
  if (key !== null && UUID.test(key)) return key;
  if (value === null) return null;
  try {
    const parsed: unknown = JSON.parse(value.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const id = (parsed as { paymentId?: unknown }).paymentId;
    return typeof id === 'string' && UUID.test(id) ? id : null;
  } catch {
    return null;
  }
}

export function toTopicMessage(role: TopicRole, partition: number, m: KafkaMessage): TopicMessage {
  const key = m.key === null ? null : m.key.toString('utf8');
  return {
    topic: role,
    partition,
    offset: Number(m.offset),
    key,
    eventId: header(m.headers, EVENT_ID_HEADER),
    eventType: header(m.headers, EVENT_TYPE_HEADER),
    paymentId: paymentIdOf(key, m.value),
    deadReason: header(m.headers, HEADERS.deadReason),
    at: Number(m.timestamp),
  };
}

export interface ReadOptions {
  /** Unique per read (the run id): the consumer group name derives from it. */
  readId: string;
  /** Give up (and throw) when the ends are not reached within this time. */
  timeoutMs?: number;
}

/** Reads every message from the marks to the partitions' current ends, in offset order per partition. */
export async function readTopicsSince(
  config: LabConfig,
  marks: TopicMarks,
  options: ReadOptions,
): Promise<TopicMessage[]> {
  const names = topicNames(config);
  const roleOf = new Map(TOPIC_ROLES.map((r) => [names[r], r]));
  const groupId = `paylab-checker-${options.readId}`;
  const ends = await withAdmin(config, (admin) => endOffsets(admin, names));
  const markOf = (role: TopicRole, partition: number) => BigInt(marks[role][partition] ?? '0');
  const remaining = new Set<string>();
  for (const role of TOPIC_ROLES)
    for (const [p, end] of Object.entries(ends[role]))
      if (BigInt(end) > markOf(role, Number(p))) remaining.add(`${role}:${p}`);
  const messages: TopicMessage[] = [];
  if (remaining.size > 0) {
    const consumer = client(config, 'reader').consumer({ groupId, allowAutoTopicCreation: false });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: Object.values(names), fromBeginning: true });
      const done = new Promise<void>((resolve) => {
        void consumer.run({
          autoCommit: false,
          eachMessage: async ({ topic, partition, message }) => {
            const role = roleOf.get(topic);
            if (role === undefined) return;
            const end = BigInt(ends[role][partition] ?? '0');
            const offset = BigInt(message.offset);
            // Before the seek lands a fetch may start at the beginning: nothing before the mark counts.
            if (offset < markOf(role, partition) || offset >= end) return;
            messages.push(toTopicMessage(role, partition, message));
            if (offset + 1n >= end) {
              remaining.delete(`${role}:${partition}`);
              if (remaining.size === 0) resolve();
            }
          },
        });
      });
      // Seeks wait in the consumer until its partitions are fetched (setting a fresh group's
      // offsets through the admin API instead costs seconds per topic while it finds a coordinator).
      for (const role of TOPIC_ROLES)
        for (const p of Object.keys(ends[role]))
          consumer.seek({
            topic: names[role],
            partition: Number(p),
            offset: String(markOf(role, Number(p))),
          });
      const timeoutMs = options.timeoutMs ?? 60_000;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      const outcome = await Promise.race([done, timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout')
        throw new TopicReadError(
          `the topics were not read to their end within ${timeoutMs / 1000} s (still open: ${[...remaining].join(', ')})`,
        );
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
  }
  await withAdmin(config, (admin) => admin.deleteGroups([groupId])).catch(() => undefined);
  return messages.sort((a, b) =>
    a.topic === b.topic ? a.partition - b.partition || a.offset - b.offset : a.topic < b.topic ? -1 : 1,
  );
}
