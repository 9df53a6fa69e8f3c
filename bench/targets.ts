/**
 * The bench's targets (issue 11): each is a RATIO of two figures measured in the same run, so the
 * noise of a shared machine moves both sides together. One exception is named as such: the stack's
 * CPU per payment is an absolute figure (milliseconds), kept out of the baseline gate.
 */
import { KAFKA_CLIENT_RATIOS } from './kafka-clients.ts';
import type { Summary } from './stats.ts';

/** Figures by name, each summarised over the repetitions; targets read the medians. */
export type Figures = Readonly<Record<string, Summary | undefined>>;

export interface TargetDef {
  name: string;
  /** What the ratio compares, for the report. */
  description: string;
  better: 'higher' | 'lower';
  target: number;
  /** 'ratio': dimensionless, gated against the baseline; 'ms': absolute, reported only. */
  unit: 'ratio' | 'ms';
  value(figures: Figures): number | undefined;
}

export interface TargetResult {
  name: string;
  value: number | null;
  target: number;
  met: boolean;
  better: 'higher' | 'lower';
  unit: 'ratio' | 'ms';
  description: string;
  /** How far from the target, as a share of the target (0 when met). */
  missBy: number;
}

function median(figures: Figures, name: string): number | undefined {
  const m = figures[name]?.median;
  return m !== undefined && Number.isFinite(m) && m > 0 ? m : undefined;
}

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : a / b;
}

function lowest(...values: (number | undefined)[]): number | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length === values.length && known.length > 0 ? Math.min(...known) : undefined;
}

export const TARGETS: readonly TargetDef[] = [
  {
    name: 'api-vs-create-limit',
    description: 'API alone (accepted creates/s at p95 ≤ 100 ms) / pgbench create-statement limit (tps)',
    better: 'higher',
    target: 0.7,
    unit: 'ratio',
    value: (f) => ratio(median(f, 'api.acceptedPerSec'), median(f, 'limit.createTps')),
  },
  {
    name: 'relay-vs-limit',
    description: 'relay alone (rows/s) / min(claim + mark SQL limit in rows/s, raw producer msgs/s)',
    better: 'higher',
    target: 0.6,
    unit: 'ratio',
    value: (f) =>
      ratio(
        median(f, 'relay.rowsPerSec'),
        lowest(median(f, 'limit.relayRowsPerSec'), median(f, 'limit.producerMsgsPerSec')),
      ),
  },
  {
    name: 'workers-vs-limit',
    description: 'workers alone (payments/s) / min(worker SQL limit in payments/s, raw consumer msgs/s)',
    better: 'higher',
    target: 0.6,
    unit: 'ratio',
    value: (f) =>
      ratio(
        median(f, 'workers.paymentsPerSec'),
        lowest(median(f, 'limit.workerPaymentsPerSec'), median(f, 'limit.consumerMsgsPerSec')),
      ),
  },
  {
    name: 'e2e-vs-create-limit',
    description: 'end-to-end capacity (payments/s) / pgbench create-statement limit (tps)',
    better: 'higher',
    target: 0.35,
    unit: 'ratio',
    value: (f) => ratio(median(f, 'e2e.capacityPerSec'), median(f, 'limit.createTps')),
  },
  {
    name: 'stack-cpu-per-payment',
    description: 'CPU ms per payment of api + relay + workers + pg-mock + db at a fixed rate (absolute)',
    better: 'lower',
    target: 3,
    unit: 'ms',
    value: (f) => median(f, 'cpu.stackMsPerPayment'),
  },
  {
    name: 'lab-overhead-share',
    description: "the lab's own CPU (k6 + toxiproxy + prometheus + runner) / the machine's CPU, at capacity",
    better: 'lower',
    target: 0.3,
    unit: 'ratio',
    value: (f) => median(f, 'e2e.labOverheadShare'),
  },
  {
    name: 'drain-vs-arrival',
    description: 'backlog drain rate after a Kafka outage / the arrival rate',
    better: 'higher',
    target: 3,
    unit: 'ratio',
    value: (f) => ratio(median(f, 'drain.ratePerSec'), median(f, 'drain.arrivalPerSec')),
  },
];

/** Ratios reported beside the targets (no target of their own). */
export const REPORTED_RATIOS: readonly Omit<TargetDef, 'target' | 'better'>[] = [
  {
    name: 'e2e-vs-full-payment-limit',
    description:
      'end-to-end capacity / pgbench limit of all the SQL one payment costs (create, claim + mark, worker)',
    unit: 'ratio',
    value: (f) => ratio(median(f, 'e2e.capacityPerSec'), median(f, 'limit.fullPaymentTps')),
  },
  {
    name: 'full-payment-vs-create-limit',
    description:
      "full-payment SQL limit / create-statement limit: one over how many creates' worth of DB a whole payment costs",
    unit: 'ratio',
    value: (f) => ratio(median(f, 'limit.fullPaymentTps'), median(f, 'limit.createTps')),
  },
  // @platformatic/kafka / kafkajs per stage (bench/kafka-clients.ts), when both were measured.
  ...KAFKA_CLIENT_RATIOS,
];

export function evaluateTarget(def: TargetDef, figures: Figures): TargetResult {
  const value = def.value(figures);
  const known = value !== undefined && Number.isFinite(value);
  const met = known && (def.better === 'higher' ? value >= def.target : value <= def.target);
  let missBy = 0;
  if (known && !met) missBy = Math.abs(value - def.target) / def.target;
  return {
    name: def.name,
    value: known ? value : null,
    target: def.target,
    met,
    better: def.better,
    unit: def.unit,
    description: def.description,
    missBy: known ? missBy : 1,
  };
}

export function evaluateTargets(figures: Figures, defs: readonly TargetDef[] = TARGETS): TargetResult[] {
  return defs.map((def) => evaluateTarget(def, figures));
}
