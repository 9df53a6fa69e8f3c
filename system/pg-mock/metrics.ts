/**
 * The PG's Prometheus metrics, on a registry of its own so several mock instances (tests) can live
 * in one process. Names come from the shared METRICS table.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { METRICS } from '../src/metric-names.ts';
import type { FaultProfile } from './contract.ts';

export type PgOperation = 'capture' | 'inquiry' | 'refund' | 'void';

export interface PgMetrics {
  registry: Registry;
  requests: Counter<'operation' | 'outcome'>;
  duration: Histogram<'operation'>;
  captures: Counter;
  doubleCaptures: Counter;
  refunds: Counter;
  showProfile(profile: FaultProfile): void;
}

export function createPgMetrics(options: { defaultMetrics: boolean }): PgMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const faultSetting = new Gauge({
    name: METRICS.pgFaultSetting,
    help: 'Current PG fault profile, one series per setting (rates 0..1, times in ms or s as named)',
    labelNames: ['fault'],
    registers,
  });
  return {
    registry,
    requests: new Counter({
      name: METRICS.pgRequests,
      help: 'PG API requests by operation and what the PG did with them',
      labelNames: ['operation', 'outcome'],
      registers,
    }),
    duration: new Histogram({
      name: METRICS.pgRequestDuration,
      help: 'Time the PG took to answer (or to give up on) a request, injected latency included',
      labelNames: ['operation'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    captures: new Counter({ name: METRICS.pgCaptures, help: 'Successful captures booked', registers }),
    doubleCaptures: new Counter({
      name: METRICS.pgDoubleCaptures,
      help: 'Captures booked while the same payment already had a live capture (must stay 0)',
      registers,
    }),
    refunds: new Counter({ name: METRICS.pgRefunds, help: 'Captures refunded', registers }),
    showProfile(profile) {
      const { latencyMs, ...flat } = profile;
      for (const [fault, value] of Object.entries(flat)) faultSetting.set({ fault }, value);
      for (const [part, value] of Object.entries(latencyMs))
        faultSetting.set({ fault: `latencyMs.${part}` }, value);
    },
  };
}
