/**
 * Consumer lag per partition: the topic's high watermark minus the group's committed offset.
 * Every worker reports every partition of the group's topics — not only its own — so the lag of a
 * dead worker's partitions stays visible while any worker lives. Instances therefore report the
 * same series: aggregate with `max by (topic, partition)` before summing (observability/slis/consumer-lag.ts does).
 */
import type { Admin } from 'kafkajs';

export interface PartitionLag {
  topic: string;
  partition: number;
  lag: number;
}

export async function readConsumerLag(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
): Promise<PartitionLag[]> {
  const lags: PartitionLag[] = [];
  for (const topic of topics) {
    const [ends, committed] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    const committedOf = new Map(
      (committed.find((t) => t.topic === topic)?.partitions ?? []).map((p) => [
        p.partition,
        Number(p.offset),
      ]),
    );
    for (const end of ends) {
      const partition = end.partition;
      const high = Number(end.high);
      const done = committedOf.get(partition) ?? -1;
      // -1: the group never committed here; everything from the log start is outstanding.
      const from = done >= 0 ? done : Number(end.low);
      lags.push({ topic, partition, lag: Math.max(0, high - from) });
    }
  }
  return lags;
}
