/**
 * The native runtime: every service is a local process the lab starts detached, records in a pid
 * file, checks with a real health probe, and signals only after /proc proves it is still its own.
 * This class only sequences; each responsibility lives in its own module: which services exist
 * (services.ts), starting one (start-service.ts), the knobs of the last `up` (stack-state.ts),
 * processes that lost their pid file (orphans.ts), the process faults (process-faults.ts), and
 * pid/log file names (labels.ts).
 */
import fs from 'node:fs';
import { loadConfig, type LabConfig } from '../../src/config.ts';
import {
  type LabRuntime,
  type ServiceName,
  type ServiceRef,
  type ServiceStatus,
  type UpOptions,
} from '../runtime.ts';
import { applyMigrations, removeDbData } from './db.ts';
import { kafkaDefs, PROMETHEUS_RELOAD_SIGNAL, writePrometheusConfig } from './infra-services.ts';
import { labelOf, parseLabel } from './labels.ts';
import { withLabLock } from './lock.ts';
import { sweepLeftovers } from './orphans.ts';
import { killProcess, pauseProcess, resumeProcess, stopProcess, tracked } from './process-faults.ts';
import { step, type ProgressSink } from './progress.ts';
import type { LabContext, ServiceDef } from './service-def.ts';
import { appDefs, defFor, infraDefs, logFileOf, pidFileOf } from './services.ts';
import { readStackState, writeStackState, type StackState } from './stack-state.ts';
import { startService } from './start-service.ts';
import { signalGroup, terminate, track } from './supervisor.ts';
import { ensureTools, toolPaths, type ToolName } from './tools.ts';
import { readQuorumLeader } from './quorum-state.ts';

// LabError's earlier home: callers written against it keep working.
export { LabError } from '../runtime.ts';

/** `down` stops apps before the infrastructure they use, the proxy last. */
const STOP_ORDER: readonly ServiceName[] = [
  'api',
  'relay',
  'worker',
  'pg-mock',
  'prometheus',
  'kafka',
  'redis',
  'db',
  'toxiproxy',
];

/** A health check that does not answer within this is reported as such by `status`. */
const STATUS_PROBE_TIMEOUT_MS = 3000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${ms}ms`)), ms).unref(),
    ),
  ]);
}

export class NativeRuntime implements LabRuntime {
  readonly kind = 'native' as const;
  readonly config: LabConfig;

  constructor(config: LabConfig = loadConfig()) {
    this.config = config;
  }

  logFile(ref: ServiceRef): string {
    return logFileOf(this.config, ref);
  }

  k6Path(): string {
    return toolPaths(this.config).k6;
  }

  async kafkaQuorumLeader(): Promise<number> {
    return readQuorumLeader(this.config);
  }

  private async context(
    sink: ProgressSink,
    state: StackState,
    tools: readonly ToolName[],
  ): Promise<LabContext> {
    const paths = tools.length > 0 ? await ensureTools(this.config, sink, tools) : toolPaths(this.config);
    return { config: this.config, tools: paths, sink, strategy: state.strategy, instances: state.instances };
  }

  async up(options: UpOptions = {}): Promise<void> {
    const sink = options.onProgress ?? (() => undefined);
    await withLabLock(this.config.paths.runDir, sink, async () => {
      const previous = readStackState(this.config);
      const keep = options.keepRunning === true;
      // keepRunning: a shared lab keeps the knobs and instance counts its last `up` chose.
      const state: StackState = {
        strategy: { ...(keep ? previous.strategy : this.config.strategy), ...options.strategy },
        instances: { ...(keep ? previous.instances : this.config.instances), ...options.instances },
      };
      if (!options.stack) state.instances = previous.instances;
      const needed = new Set<ToolName>(['k6']);
      for (const def of infraDefs(this.config)) def.tools.forEach((t) => needed.add(t));
      const ctx = await step(sink, 'checking tools', () => this.context(sink, state, [...needed]));
      // After a switch every Kafka client must restart (its bootstrap list and cluster are gone),
      // even in a shared lab that otherwise keeps running services as they are.
      const switched = await this.stopOtherKafkaMode(sink);
      for (const def of infraDefs(this.config)) {
        await step(sink, `${def.label} on ${def.address(this.config)}`, () => startService(ctx, def, keep));
      }
      await step(sink, 'applying migrations', () => applyMigrations(this.config, sink));
      if (options.stack) {
        writeStackState(this.config, state);
        if (!keep) await this.stopSurplus(ctx, state.instances);
        for (const def of appDefs(state.instances)) {
          const kafkaClient = def.service === 'relay' || def.service === 'worker';
          await step(sink, `${def.label} on ${def.address(this.config)}`, () =>
            startService(ctx, def, keep && !(switched && kafkaClient)),
          );
        }
      }
      if (await writePrometheusConfig(ctx)) this.reloadPrometheus();
    });
  }

  /** Switching between one broker and the cluster: the brokers of the other mode stop first. */
  private async stopOtherKafkaMode(sink: ProgressSink): Promise<boolean> {
    const wanted = new Set(kafkaDefs(this.config).map((d) => d.label));
    let switched = false;
    for (const ref of this.trackedRefs()) {
      if (ref.service !== 'kafka' || wanted.has(labelOf(ref))) continue;
      switched = true;
      await step(sink, `stopping ${labelOf(ref)} (switching to ${this.config.kafka.brokers} broker(s))`, () =>
        this.stop(ref),
      );
    }
    return switched;
  }

  /** Relays/workers beyond the requested count (from an earlier `up --workers 3`). */
  private async stopSurplus(ctx: LabContext, instances: { relay: number; worker: number }): Promise<void> {
    for (const ref of this.trackedRefs()) {
      const limit =
        ref.service === 'relay' ? instances.relay : ref.service === 'worker' ? instances.worker : Infinity;
      if ((ref.instance ?? 0) >= limit) {
        ctx.sink(`  stopping surplus ${labelOf(ref)}`);
        await this.stop(ref);
      }
    }
  }

  /** Every service with a pid file, whatever its state. */
  private trackedRefs(): ServiceRef[] {
    let files: string[];
    try {
      files = fs.readdirSync(this.config.paths.runDir).filter((f) => f.endsWith('.pid'));
    } catch {
      return [];
    }
    return files.map((f) => parseLabel(f.slice(0, -4))).filter((r): r is ServiceRef => r !== undefined);
  }

  async down(options: { onProgress?: (line: string) => void } = {}): Promise<void> {
    const sink = options.onProgress ?? (() => undefined);
    await withLabLock(this.config.paths.runDir, sink, async () => {
      const refs = this.trackedRefs().sort(
        (a, b) => STOP_ORDER.indexOf(a.service) - STOP_ORDER.indexOf(b.service),
      );
      for (const ref of refs) {
        const def = defFor(this.config, ref);
        const pidFile = pidFileOf(this.config, def);
        const { record, ownership } = track(pidFile);
        if (record && ownership.kind === 'ours') {
          await step(sink, `stopping ${def.label} (pid ${record.pid})`, () =>
            terminate(record, def.stopSignal, def.graceMs),
          );
        }
        fs.rmSync(pidFile, { force: true });
      }
      await sweepLeftovers(this.config, sink);
    });
  }

  async status(): Promise<ServiceStatus[]> {
    const state = readStackState(this.config);
    const ctx = await this.context(() => undefined, state, []);
    const defs = [...infraDefs(this.config), ...appDefs(state.instances)];
    for (const ref of this.trackedRefs()) {
      if (!defs.some((d) => d.label === labelOf(ref))) defs.push(defFor(this.config, ref));
    }
    return Promise.all(defs.map((def) => this.statusOf(ctx, def)));
  }

  private async statusOf(ctx: LabContext, def: ServiceDef): Promise<ServiceStatus> {
    const base = { service: def.service, instance: def.instance, address: def.address(this.config) };
    const { record, ownership } = track(pidFileOf(this.config, def));
    if (!record || ownership.kind !== 'ours') return { ...base, state: 'stopped' };
    if (ownership.paused) return { ...base, state: 'paused', pid: record.pid };
    const healthy = await withTimeout(def.healthy(ctx), STATUS_PROBE_TIMEOUT_MS).catch((error: unknown) =>
      error instanceof Error ? error.message : String(error),
    );
    return healthy === true
      ? { ...base, state: 'running', pid: record.pid }
      : {
          ...base,
          state: 'unhealthy',
          pid: record.pid,
          detail: typeof healthy === 'string' ? healthy : 'health check failed',
        };
  }

  kill(ref: ServiceRef): Promise<void> {
    return killProcess(this.config, ref);
  }

  stop(ref: ServiceRef): Promise<void> {
    return stopProcess(this.config, ref);
  }

  async start(ref: ServiceRef): Promise<void> {
    const def = defFor(this.config, ref);
    const state = readStackState(this.config);
    // Scaling out (relay-2 when the last `up` asked for 2): record it so Prometheus scrapes it too.
    const multi = ref.service === 'relay' || ref.service === 'worker' ? ref.service : undefined;
    const grows = multi !== undefined && def.instance >= state.instances[multi];
    if (multi !== undefined && grows) {
      state.instances[multi] = def.instance + 1;
      writeStackState(this.config, state);
    }
    const ctx = await this.context(() => undefined, state, def.tools);
    await startService(ctx, def);
    if (grows && (await writePrometheusConfig(ctx))) this.reloadPrometheus();
  }

  /** Makes a running Prometheus re-read its generated config (scrape targets changed). */
  private reloadPrometheus(): void {
    const { record } = tracked(this.config, { service: 'prometheus' });
    if (record) signalGroup(record, PROMETHEUS_RELOAD_SIGNAL);
  }

  async restart(ref: ServiceRef): Promise<void> {
    await this.stop(ref);
    await this.start(ref);
  }

  async pause(ref: ServiceRef): Promise<void> {
    pauseProcess(this.config, ref);
  }

  async resume(ref: ServiceRef): Promise<void> {
    resumeProcess(this.config, ref);
  }

  /** Wipes state, logs and pid files (tools and secrets stay: reinstalling costs minutes). */
  async reset(options: { onProgress?: (line: string) => void } = {}): Promise<void> {
    await this.down(options);
    removeDbData(this.config);
    for (const dir of [this.config.paths.stateDir, this.config.paths.logsDir, this.config.paths.runDir]) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}
