/**
 * The live view's per-broker state: one row per broker Prometheus scrapes, joined from the
 * per-broker queries in queries.ts by the `broker` label. Pure, so the join is tested on literal
 * Prometheus answers.
 */
import type { InstantSample } from '../../observability/prometheus/client.ts';
import { BROKER_QUERIES } from '../queries.ts';

export interface BrokerState {
  /** The KRaft node id, as the scrape target's `broker` label says. */
  broker: string;
  /** Prometheus could scrape the broker's metrics agent at its last scrape. */
  up: boolean;
  /** Missing while the broker is down (its series go stale) or not yet scraped. */
  leaders?: number;
  underReplicated?: number;
  activeController: boolean;
}

export interface BrokersSample {
  brokers: BrokerState[];
  /** Missing when no controller reported it. */
  offlinePartitions?: number;
}

export type BrokerQueryId = keyof typeof BROKER_QUERIES;

function byBroker(samples: readonly InstantSample[] | undefined): Map<string, number> {
  const values = new Map<string, number>();
  for (const s of samples ?? []) {
    const broker = s.labels.broker;
    if (broker !== undefined && Number.isFinite(s.value)) values.set(broker, s.value);
  }
  return values;
}

/** Joins the per-broker answers; brokers sorted by id (1, 2, 3 … 10). */
export function joinBrokers(
  answers: Partial<Record<BrokerQueryId, readonly InstantSample[]>>,
  offline: readonly InstantSample[] | undefined,
): BrokersSample {
  const up = byBroker(answers.up);
  const leaders = byBroker(answers.leaders);
  const underReplicated = byBroker(answers.underReplicated);
  const active = byBroker(answers.activeController);
  const ids = [...new Set([...up.keys(), ...leaders.keys()])].sort(
    (a, b) => Number(a) - Number(b) || a.localeCompare(b),
  );
  const brokers = ids.map((broker): BrokerState => {
    const l = leaders.get(broker);
    const u = underReplicated.get(broker);
    return {
      broker,
      up: up.get(broker) === 1,
      ...(l !== undefined ? { leaders: l } : {}),
      ...(u !== undefined ? { underReplicated: u } : {}),
      activeController: active.get(broker) === 1,
    };
  });
  const offlineValue = offline?.[0]?.value;
  return {
    brokers,
    ...(offlineValue !== undefined && Number.isFinite(offlineValue)
      ? { offlinePartitions: offlineValue }
      : {}),
  };
}

/** Under-replicated partitions over the brokers that answered (each counts the partitions it leads). */
export function totalUnderReplicated(sample: BrokersSample): number | undefined {
  const values = sample.brokers.flatMap((b) => (b.underReplicated === undefined ? [] : [b.underReplicated]));
  return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0);
}
