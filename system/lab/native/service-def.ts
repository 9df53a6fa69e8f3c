/** What the native runtime needs to know to run one service instance. */
import type { LabConfig, StrategyKnobs } from '../../src/config.ts';
import type { ServiceName } from '../runtime.ts';
import type { ProgressSink } from './progress.ts';
import type { ToolName, ToolPaths } from './tools.ts';

export interface LabContext {
  config: LabConfig;
  tools: ToolPaths;
  sink: ProgressSink;
  strategy: StrategyKnobs;
  instances: { relay: number; worker: number };
}

export interface Launch {
  cmd: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  marker: string;
  /** More strings the process must carry before a pid-less sweep may treat it as this service. */
  identifiers?: string[];
  /** Environment variables whose change means the running process must be restarted. */
  settingsEnv?: string[];
  uid?: number;
  gid?: number;
}

export interface ServiceDef {
  service: ServiceName;
  instance: number;
  /** Human label: "relay-1", "kafka". */
  label: string;
  /** Where it listens, for status. */
  address: (config: LabConfig) => string;
  tools: readonly ToolName[];
  /** Idempotent: writes configs, creates data directories, formats storage. */
  prepare?: (ctx: LabContext) => Promise<void>;
  launch: (ctx: LabContext) => Launch;
  healthy: (ctx: LabContext) => Promise<boolean>;
  /** Runs after it is healthy at every `up`/start (create role, proxies, topics). Idempotent. */
  afterStart?: (ctx: LabContext) => Promise<void>;
  stopSignal: NodeJS.Signals;
  graceMs: number;
  startTimeoutMs: number;
}
