/**
 * `ops dlt-replay`: reads the dead-letter topic up to where it ended when the command started and
 * republishes each message to the payment-events topic with its original key, bytes and headers
 * (the worker's own headers stripped, so it starts with a fresh retry budget). Progress is kept as
 * the committed offsets of a dedicated consumer group, so a message is replayed once.
 */
import type { Kafka, Producer } from 'kafkajs';
import { headerString, HEADERS, originalHeaders } from './retry-headers.ts';

export interface ReplayOptions {
  deadLetterTopic: string;
  targetTopic: string;
  groupId: string;
  /** Poison messages (failed validation) come straight back; replay them only when asked. */
  includeInvalid: boolean;
  dryRun: boolean;
  timeoutMs: number;
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
  const report: ReplayReport = { replayed: 0, skippedInvalid: 0, timedOut: false };
  if (remaining.size === 0) return report;

  const consumer = kafka.consumer({ groupId: options.groupId, maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic: options.deadLetterTopic, fromBeginning: true });
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  await consumer.run({
    autoCommit: !options.dryRun,
    eachMessage: async ({ partition, message }) => {
      const last = remaining.get(partition);
      if (last === undefined || Number(message.offset) > last) return;
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
      if (Number(message.offset) >= last) {
        remaining.delete(partition);
        if (remaining.size === 0) finish();
      }
    },
  });
  const timer = setTimeout(() => {
    report.timedOut = true;
    finish();
  }, options.timeoutMs);
  await finished;
  clearTimeout(timer);
  await consumer.disconnect();
  return report;
}
