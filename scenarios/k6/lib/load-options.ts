/**
 * k6 options built from the load profile the runner passes in PAYLAB_LOAD (JSON). Open model:
 * arrival-rate executors start iterations on a clock whether or not earlier ones finished, so a
 * slow system shows up as latency and dropped_iterations, never as a politely lower rate.
 */
import type { Options, Scenario } from 'k6/options';
import type { KeyReuse } from './payment-requests.ts';

export interface LoadEnv {
  executor: 'constant-arrival-rate' | 'ramping-arrival-rate';
  rate?: number;
  durationSeconds?: number;
  startRate?: number;
  stages?: { target: number; durationSeconds: number }[];
  preAllocatedVUs: number;
  maxVUs: number;
  cancelRatio: number;
  /** Idempotency keys used again on purpose; absent: every iteration its own key. */
  keyReuse?: KeyReuse;
  /** Seconds between the accepted create and its cancel, uniform min..max; absent: at once. */
  cancelAfterSeconds?: { min: number; max: number };
  requestTimeoutSeconds: number;
  /** Dropped iterations allowed before the k6 threshold fails (absolute count). */
  maxDroppedIterations: number;
}

function isLoadEnv(value: unknown): value is LoadEnv {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    (v.executor === 'constant-arrival-rate' || v.executor === 'ramping-arrival-rate') &&
    typeof v.preAllocatedVUs === 'number' &&
    typeof v.maxVUs === 'number' &&
    typeof v.cancelRatio === 'number' &&
    typeof v.requestTimeoutSeconds === 'number' &&
    typeof v.maxDroppedIterations === 'number' &&
    (v.cancelAfterSeconds === undefined || isRange(v.cancelAfterSeconds))
  );
}

function isRange(value: unknown): value is { min: number; max: number } {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return typeof r.min === 'number' && typeof r.max === 'number' && r.min <= r.max;
}

export function readLoad(raw: string | undefined): LoadEnv {
  if (raw === undefined || raw === '')
    throw new Error('PAYLAB_LOAD is not set: run k6 through `npm run scenario <name>`');
  const parsed: unknown = JSON.parse(raw);
  if (!isLoadEnv(parsed)) throw new Error(`PAYLAB_LOAD is not a load profile: ${raw}`);
  return parsed;
}

function loadScenario(load: LoadEnv): Scenario {
  if (load.executor === 'constant-arrival-rate') {
    return {
      executor: 'constant-arrival-rate',
      rate: load.rate ?? 1,
      timeUnit: '1s',
      duration: `${load.durationSeconds ?? 1}s`,
      preAllocatedVUs: load.preAllocatedVUs,
      maxVUs: load.maxVUs,
      exec: 'payments',
    };
  }
  return {
    executor: 'ramping-arrival-rate',
    startRate: load.startRate ?? 0,
    timeUnit: '1s',
    stages: (load.stages ?? []).map((s) => ({ target: s.target, duration: `${s.durationSeconds}s` })),
    preAllocatedVUs: load.preAllocatedVUs,
    maxVUs: load.maxVUs,
    exec: 'payments',
  };
}

export function buildOptions(load: LoadEnv): Options {
  return {
    scenarios: { payments: loadScenario(load) },
    // The runner judges SLOs itself; k6's thresholds make the same limits visible in k6's output.
    thresholds: {
      dropped_iterations: [`count<=${load.maxDroppedIterations}`],
      paylab_create_errors: ['rate<1'],
    },
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
    // Loopback only; a redirect would mean the API is not what we think it is.
    maxRedirects: 0,
    discardResponseBodies: false,
    setupTimeout: '30s',
  };
}
