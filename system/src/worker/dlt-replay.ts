/**
 * `ops dlt-replay`: reads the dead-letter topic up to where it ended when the command started and
 * republishes each message to the payment-events topic with its original key, bytes and headers
 * (the worker's own headers stripped, so it starts with a fresh retry budget). Progress is kept as
 * the committed offsets of a dedicated consumer group, so a message is replayed once: a run
 * replays exactly the snapshot (what was on the topic when it started) and commits exactly what it
 * handled; dead letters that arrive meanwhile stay uncommitted for the next run.
 */
import type { Kafka, KafkaMessage, Producer } from 'kafkajs';
import { headerString, HEADERS, originalHeaders } from './retry-headers.ts';

export interface ReplayOptions {
  deadLetterTopic: string;
  targetTopic: string;
  groupId: string;
  /** Poison messages (failed validation) come straight back; replay them only when asked. */
  includeInvalid: boolean;
  dryRun: boolean;
  timeoutMs: number;
  /** Test seam: runs once the snapshot of the topic's ends is taken, before anything is read. */
  afterSnapshot?: () => Promise<void>;
}

export interface ReplayReport {
  replayed: number;
  skippedInvalid: number;
  timedOut: boolean;
}

export async function replayDeadLetters(
  kafka: Kafka,
  producer: Producer,
  options: ReplayOptions,
): Promise<ReplayReport> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(options.deadLetterTopic);
  const committed = await admin.fetchOffsets({ groupId: options.groupId, topics: [options.deadLetterTopic] });
  await admin.disconnect();
  const startOf = new Map(
    (committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)] as const),
  );
  // Last offset to replay per partition: the end as of now; later arrivals wait for the next run.
  const remaining = new Map<number, number>();
  for (const end of ends) {
    const from = Math.max(startOf.get(end.partition) ?? -1, Number(end.low));
    if (Number(end.high) > from) remaining.set(end.partition, Number(end.high) - 1);
  }
  await options.afterSnapshot?.();
  const report: ReplayReport = { replayed: 0, skippedInvalid: 0, timedOut: false };
  if (remaining.size === 0) return report;

  // No auto-commit: kafkajs would commit every message the handler returned from, including ones
  // that arrived after the snapshot and were passed over — skipped for good. Progress is committed
  // by hand, exactly the offsets this run handled (replayed, or skipped as invalid), once no
  // handler is running any more.
  const consumer = kafka.consumer({ groupId: options.groupId, maxWaitTimeInMs: 500 });
  const handledUpTo = new Map<number, number>();
  let stopping = false;
  let busy: Promise<void> = Promise.resolve();
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));

  async function handle(partition: number, message: KafkaMessage, last: number): Promise<void> {
    const invalid = headerString(message.headers, HEADERS.deadReason) === 'invalid';
    if (invalid && !options.includeInvalid) report.skippedInvalid++;
    else {
      if (!options.dryRun) {
        await producer.send({
          topic: options.targetTopic,
          acks: -1,
          messages: [{ key: message.key, value: message.value, headers: originalHeaders(message.headers) }],
        });
      }
      report.replayed++;
    }
    handledUpTo.set(partition, Number(message.offset));
    if (Number(message.offset) >= last) {
      remaining.delete(partition);
      if (remaining.size === 0) finish();
    }
  }

  await consumer.connect();
  try {
    await consumer.subscribe({ topic: options.deadLetterTopic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const last = remaining.get(partition);
        // Past this partition's snapshot (or after the run ended): left for the next run.
        if (stopping || last === undefined || Number(message.offset) > last) return;
        busy = handle(partition, message, last);
        await busy;
      },
    });
    const timer = setTimeout(() => {
      report.timedOut = true;
      finish();
    }, options.timeoutMs);
    await finished;
    clearTimeout(timer);
    stopping = true;
    // A replay still in flight at the time limit is counted and committed with the rest.
    await busy.catch(() => {});
    if (!options.dryRun && handledUpTo.size > 0) {
      await consumer.commitOffsets(
        [...handledUpTo].map(([partition, offset]) => ({
          topic: options.deadLetterTopic,
          partition,
          offset: String(offset + 1),
        })),
      );
    }
  } finally {
    await consumer.disconnect();
  }
  return report;
}
