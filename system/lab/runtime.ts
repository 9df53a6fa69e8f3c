/**
 * What the rest of the lab (scenario runner, chaos engine, tests) may ask of a runtime.
 * The native runtime (system/lab/native/) runs every service as a local process; the docker
 * runtime delegates to docker compose. Process faults go through this interface only.
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

export interface LabRuntime {
  readonly kind: 'native' | 'docker';
  /** Idempotent: installs what is missing, starts what is not running, waits for health. */
  up(options?: UpOptions): Promise<void>;
  /** Stops everything this lab started, and only that. */
  down(options?: { onProgress?: (line: string) => void }): Promise<void>;
  status(): Promise<ServiceStatus[]>;
  /** Process faults. kill = SIGKILL, stop = graceful (SIGTERM, then SIGKILL after a grace period). */
  kill(ref: ServiceRef): Promise<void>;
  stop(ref: ServiceRef): Promise<void>;
  start(ref: ServiceRef): Promise<void>;
  restart(ref: ServiceRef): Promise<void>;
  pause(ref: ServiceRef): Promise<void>;
  resume(ref: ServiceRef): Promise<void>;
  /** Path of a service's log file. */
  logFile(ref: ServiceRef): string;
}
