/**
 * Consumer lag per partition: the topic's high watermark minus the group's committed offset.
 * Each worker reports only the partitions assigned to it, so summing over instances (the SLI)
 * counts every partition once.
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
  assigned: ReadonlyMap<string, readonly number[]>,
): Promise<PartitionLag[]> {
  const lags: PartitionLag[] = [];
  for (const [topic, partitions] of assigned) {
    if (partitions.length === 0) continue;
    const [ends, committed] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId, topics: [topic] }),
    ]);
    const committedOf = new Map(
      (committed.find((t) => t.topic === topic)?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]),
    );
    for (const partition of partitions) {
      const end = ends.find((e) => e.partition === partition);
      if (!end) continue;
      const high = Number(end.high);
      const done = committedOf.get(partition) ?? -1;
      // -1: the group never committed here; everything from the log start is outstanding.
      const from = done >= 0 ? done : Number(end.low);
      lags.push({ topic, partition, lag: Math.max(0, high - from) });
    }
  }
  return lags;
}
