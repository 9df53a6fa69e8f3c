/**
 * What the rest of the lab (scenario runner, chaos engine, tests) may ask of a runtime.
 * The native runtime (system/lab/native/) runs every service as a local process; the docker
 * runtime delegates to docker compose. Process faults go through this interface only, and callers
 * get a runtime from createRuntime() (system/lab/create-runtime.ts), never from a class.
 */
import type { AppService, InfraService, StrategyKnobs } from '../src/config.ts';

export type ServiceName = InfraService | AppService;

/** An app service may run several instances (relay-0, worker-1…); infra services have one. */
export interface ServiceRef {
  service: ServiceName;
  instance?: number;
}

export type ServiceState = 'running' | 'stopped' | 'paused' | 'unhealthy';

export interface ServiceStatus {
  service: ServiceName;
  instance: number;
  state: ServiceState;
  pid?: number;
  /** Where it listens (loopback). */
  address?: string;
  detail?: string;
}

export interface UpOptions {
  /** Start the payment stack (api, relay, worker, pg-mock) too, not only infrastructure. */
  stack?: boolean;
  strategy?: Partial<StrategyKnobs>;
  instances?: Partial<Record<'relay' | 'worker', number>>;
  /** Leave running services alone even when their settings differ (a shared lab in tests). */
  keepRunning?: boolean;
  /** Progress lines for humans ("installing k6 … 42s"). */
  onProgress?: (line: string) => void;
}

/** An error a user can act on (a port in use, a service that would not start): one message, no stack. */
export class LabError extends Error {
  override name = 'LabError';
}

export interface LabRuntime {
  readonly kind: 'native' | 'docker';
  /** Idempotent: installs what is missing, starts what is not running, waits for health. */
  up(options?: UpOptions): Promise<void>;
  /** Stops everything this lab started, and only that. */
  down(options?: { onProgress?: (line: string) => void }): Promise<void>;
  /** One row per service instance; a running one carries its pid (the runner compares pids before
   *  and after a run to see restarts nobody asked for). */
  status(): Promise<ServiceStatus[]>;
  /** down, then wipes the lab's state (DB, Kafka, Prometheus data, the PG's ledger); tools and
   *  secrets stay. */
  reset(options?: { onProgress?: (line: string) => void }): Promise<void>;
  /** Process faults. kill = SIGKILL, stop = graceful (SIGTERM, then SIGKILL after a grace period). */
  kill(ref: ServiceRef): Promise<void>;
  stop(ref: ServiceRef): Promise<void>;
  start(ref: ServiceRef): Promise<void>;
  restart(ref: ServiceRef): Promise<void>;
  pause(ref: ServiceRef): Promise<void>;
  resume(ref: ServiceRef): Promise<void>;
  /** The node id of the active KRaft controller (the quorum's leader), read from the quorum at the
   *  moment of asking; only with the 3-broker cluster. Throws during an election. */
  kafkaQuorumLeader(): Promise<number>;
  /** Path of a service's log file. */
  logFile(ref: ServiceRef): string;
  /** The k6 executable the scenario runner starts on this machine. */
  k6Path(): string;
}
