/**
 * Faults as data: what a scenario's timeline names. The chaos engine turns each into a
 * start/stop pair (chaos/faults/engine.ts); the report and dashboards label windows with label().
 */
import type { LinkName } from '../../system/src/config.ts';
import type { FaultProfile } from '../../system/pg-mock/contract.ts';

export const TOXIC_KINDS = [
  'latency',
  'bandwidth',
  'timeout',
  'reset_peer',
  'slow_close',
  'slicer',
  'limit_data',
  'down',
] as const;
export type ToxicKind = (typeof TOXIC_KINDS)[number];

/** Attributes per Toxiproxy toxic type (Toxiproxy's own names and units). */
export interface ToxicAttributes {
  latency: { latency: number; jitter: number };
  bandwidth: { rate: number };
  timeout: { timeout: number };
  reset_peer: { timeout: number };
  slow_close: { delay: number };
  slicer: { average_size: number; size_variation: number; delay: number };
  limit_data: { bytes: number };
  down: Record<string, never>;
}

/** pg-mock too: the PG crashing mid-capture is a fault a payment stack must survive (its ledger is durable). */
export const PROCESS_TARGETS = ['api', 'relay', 'worker', 'pg-mock', 'kafka', 'db', 'redis'] as const;
export type ProcessTarget = (typeof PROCESS_TARGETS)[number];

export const PROCESS_ACTIONS = ['kill', 'stop', 'restart', 'pause'] as const;
/** kill: SIGKILL, started again when the window ends. stop: graceful stop, started at the end.
 *  restart: a graceful restart at the start (the window covers the restart itself).
 *  pause: SIGSTOP, SIGCONT at the end. */
export type ProcessAction = (typeof PROCESS_ACTIONS)[number];

export type PgFaultSettings = Partial<Omit<FaultProfile, 'seed'>>;

export type FaultSpec =
  | {
      kind: 'link';
      target: LinkName;
      toxic: ToxicKind;
      attributes?: Partial<ToxicAttributes[ToxicKind]>;
      /** Which direction: downstream (server → client) by default, as Toxiproxy does. */
      stream?: 'upstream' | 'downstream';
      /** Share of connections affected (0..1]. */
      toxicity?: number;
    }
  | { kind: 'process'; target: ProcessTarget; action: ProcessAction; instance?: number }
  | { kind: 'pg'; settings: PgFaultSettings }
  /** Publishes undecodable messages to the payment-events topic: each must be dead-lettered. */
  | { kind: 'poison'; count: number }
  /** Publishes already-processed events again: each must be absorbed as a duplicate. */
  | { kind: 'redeliver'; count: number };

export interface TimedFault {
  fault: FaultSpec;
  /** Seconds after the load started. */
  atSeconds: number;
  /** How long the fault stays on; 0 for instantaneous ones (restart, poison, redeliver). */
  durationSeconds: number;
  /** The start moves by up to ± this many seconds, drawn from the run's seed. */
  jitterSeconds?: number;
}

export function faultTarget(f: FaultSpec): string {
  switch (f.kind) {
    case 'link':
      return f.target;
    case 'process':
      return f.instance === undefined ? f.target : `${f.target}-${f.instance}`;
    case 'pg':
      return 'pg-mock';
    case 'poison':
    case 'redeliver':
      return 'kafka';
  }
}

/** The kind label of the fault_active gauge and the timeline. */
export function faultKind(f: FaultSpec): string {
  switch (f.kind) {
    case 'link':
      return `link:${f.toxic}`;
    case 'process':
      return `process:${f.action}`;
    case 'pg':
      return `pg:${Object.keys(f.settings).sort().join('+') || 'none'}`;
    case 'poison':
      return 'kafka:poison';
    case 'redeliver':
      return 'kafka:redeliver';
  }
}

export function faultLabel(f: FaultSpec): string {
  switch (f.kind) {
    case 'link': {
      const attrs = Object.entries(f.attributes ?? {})
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' ');
      return `${f.toxic === 'down' ? 'link down' : f.toxic} on ${f.target} link${attrs ? ` (${attrs})` : ''}`;
    }
    case 'process':
      return `${f.action} ${faultTarget(f)}`;
    case 'pg':
      return `PG ${Object.entries(f.settings)
        .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
        .join(' ')}`;
    case 'poison':
      return `${f.count} poison messages`;
    case 'redeliver':
      return `redeliver ${f.count} processed events`;
  }
}
