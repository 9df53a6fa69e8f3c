/** How much each stage measures: the full bench (issue 11's sizes) and the quick one CI runs (≤ 3 min). */
import { KAFKA_CLIENTS, type KafkaClientName } from '../system/src/config.ts';

/** The stages, in the order a repetition runs them (workers drain what the relay stage published). */
export const STAGE_NAMES = ['limits', 'api', 'relay', 'workers', 'e2e', 'cpu', 'drain'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

export interface BenchPlan {
  /** Stages to run (all by default; a subset for working on one of them). */
  stages: readonly StageName[];
  mode: 'quick' | 'full';
  repetitions: number;
  sql: { seconds: number; clients: number };
  kafkaSeconds: number;
  /** Kafka client libraries the raw producer/consumer and the relay-alone stage are measured with,
   *  besides the stack's own (config.kafka.client), which is always measured. */
  kafkaClients: readonly KafkaClientName[];
  api: { connections: number[]; seconds: number };
  /** Outbox rows the relay drains, then events the workers drain. */
  backlog: number;
  workers: number;
  capacity: { startRate: number; factor: number; maxSteps: number; stepSeconds: number };
  cpu: { rate: number; seconds: number };
  outage: { rate: number; outageSeconds: number; warmSeconds: number; maxDrainSeconds: number };
}

export const FULL_PLAN: BenchPlan = {
  mode: 'full',
  stages: STAGE_NAMES,
  repetitions: 3,
  sql: { seconds: 10, clients: 16 },
  kafkaSeconds: 5,
  // Both clients, in the same run: which wins and by how much (bench/kafka-clients.ts).
  kafkaClients: KAFKA_CLIENTS,
  api: { connections: [2, 4, 8, 16, 32], seconds: 8 },
  backlog: 100_000,
  workers: 2,
  capacity: { startRate: 80, factor: 1.25, maxSteps: 8, stepSeconds: 15 },
  cpu: { rate: 100, seconds: 20 },
  outage: { rate: 50, outageSeconds: 30, warmSeconds: 5, maxDrainSeconds: 120 },
};

export const QUICK_PLAN: BenchPlan = {
  mode: 'quick',
  stages: STAGE_NAMES,
  repetitions: 1,
  sql: { seconds: 4, clients: 16 },
  kafkaSeconds: 3,
  // The stack's client only: a second one would cost ~30 s of the 3 minutes (--clients adds it).
  kafkaClients: [],
  api: { connections: [2, 4, 8], seconds: 3 },
  backlog: 2_000,
  workers: 2,
  // From 40/s up to 262/s: the old 20→82/s ramp held at every step, so the quick e2e ratio was the
  // plan's ceiling, not the stack's.
  capacity: { startRate: 40, factor: 1.6, maxSteps: 5, stepSeconds: 8 },
  cpu: { rate: 30, seconds: 8 },
  outage: { rate: 20, outageSeconds: 10, warmSeconds: 3, maxDrainSeconds: 40 },
};
