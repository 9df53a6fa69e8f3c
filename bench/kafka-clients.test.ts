import { describe, expect, it } from 'vitest';
import {
  clientsInOrder,
  compareKafkaClients,
  KAFKA_CLIENT_RATIOS,
  renderClientComparison,
} from './kafka-clients.ts';
import { summarize } from './stats.ts';
import type { Figures } from './targets.ts';

const figures = (values: Record<string, number[]>): Figures =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, summarize(v)]));

describe('compareKafkaClients', () => {
  it('names the faster client per stage and by how much, from the medians of the same run', () => {
    const rows = compareKafkaClients(
      figures({
        'limit.producerMsgsPerSec.kafkajs': [1000, 1100, 900],
        'limit.producerMsgsPerSec.platformatic': [2000, 2100, 1900],
        'relay.rowsPerSec.kafkajs': [500],
        'relay.rowsPerSec.platformatic': [400],
      }),
    );
    const producer = rows.find((r) => r.figure === 'limit.producerMsgsPerSec');
    expect(producer?.ratio).toBeCloseTo(2);
    expect(producer?.verdict).toBe('platformatic 2.00× kafkajs (+100 %)');
    const relay = rows.find((r) => r.figure === 'relay.rowsPerSec');
    expect(relay?.ratio).toBeCloseTo(0.8);
    expect(relay?.verdict).toBe('kafkajs 1.25× platformatic (+25 %)');
    const consumer = rows.find((r) => r.figure === 'limit.consumerMsgsPerSec');
    expect(consumer).toMatchObject({
      ratio: null,
      verdict: null,
      byClient: { kafkajs: null, platformatic: null },
    });
    expect(
      KAFKA_CLIENT_RATIOS.map((r) =>
        r.value(figures({ 'relay.rowsPerSec.kafkajs': [500], 'relay.rowsPerSec.platformatic': [400] })),
      ),
    ).toEqual([undefined, undefined, 0.8]);
  });

  it('renders nothing when only one client was measured (a quick run)', () => {
    expect(
      renderClientComparison(compareKafkaClients(figures({ 'relay.rowsPerSec.kafkajs': [500] }))),
    ).toEqual([]);
  });
});

describe('clientsInOrder', () => {
  it("measures the stack's client always, and alternates which client goes first", () => {
    expect(clientsInOrder('kafkajs', [], 0)).toEqual(['kafkajs']);
    expect(clientsInOrder('kafkajs', ['kafkajs', 'platformatic'], 0)).toEqual(['kafkajs', 'platformatic']);
    expect(clientsInOrder('kafkajs', ['kafkajs', 'platformatic'], 1)).toEqual(['platformatic', 'kafkajs']);
    expect(clientsInOrder('platformatic', ['kafkajs'], 0)).toEqual(['platformatic', 'kafkajs']);
  });
});
