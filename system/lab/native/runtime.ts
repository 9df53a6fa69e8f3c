/**
 * The native runtime: every service is a local process the lab starts detached, records in a pid
 * file, checks with a real health probe, and signals only after /proc proves it is still its own.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  APP_SERVICES,
  loadConfig,
  type AppService,
  type LabConfig,
  type StrategyKnobs,
} from '../../src/config.ts';
import type { LabRuntime, ServiceName, ServiceRef, ServiceStatus, UpOptions } from '../runtime.ts';
import { appMarker, appService } from './app-services.ts';
import { WaitTimeoutError, waitUntil } from './backoff.ts';
import { applyMigrations, dbDataDir, dbService, removeDbData } from './db.ts';
import {
  kafkaDefs,
  kafkaService,
  ensureTopics,
  prometheusService,
  redisService,
  PROMETHEUS_RELOAD_SIGNAL,
  toxiproxyService,
  writePrometheusConfig,
} from './infra-services.ts';
import { kafkaNodeService } from './kafka-cluster.ts';
import { withLabLock } from './lock.ts';
import { carriesMarker, type PidRecord } from './proc-info.ts';
import { step, type ProgressSink } from './progress.ts';
import { tcpOpen } from './probes.ts';
import type { LabContext, Launch, ServiceDef } from './service-def.ts';
import { findMarked, isAlive, launch, observe, signalGroup, terminate, track } from './supervisor.ts';
import { ensureTools, toolPaths, type ToolName } from './tools.ts';

/** Start order: the proxy first (clients and the Kafka health check go through it). */
export function infraDefs(config: LabConfig): ServiceDef[] {
  return [toxiproxyService(), dbService(), redisService(), ...kafkaDefs(config), prometheusService()];
}

export function appDefs(instances: { relay: number; worker: number }): ServiceDef[] {
  return [
    appService('pg-mock', 0),
    appService('api', 0),
    ...Array.from({ length: instances.relay }, (_, i) => appService('relay', i)),
    ...Array.from({ length: instances.worker }, (_, i) => appService('worker', i)),
  ];
}

interface StackState {
  strategy: StrategyKnobs;
  instances: { relay: number; worker: number };
}

export class LabError extends Error {
  override name = 'LabError';
}

const isApp = (service: ServiceName): service is AppService =>
  (APP_SERVICES as readonly string[]).includes(service);

function tail(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** What a service was started with; only the settings it reads count, so a worker knob never bounces the api. */
export function fingerprint(l: Launch): string {
  const relevant = new Set(l.settingsEnv ?? []);
  const strategy = Object.entries(l.env)
    .filter(([k]) => relevant.has(k))
    .sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256')
    .update(JSON.stringify([l.cmd, l.args, strategy]))
    .digest('hex')
    .slice(0, 16);
}

const EXECUTABLES = new Set(['postgres', 'redis-server', 'java', 'prometheus', 'node']);

function looksLikeLabExecutable(cmdline: string[]): boolean {
  const first = cmdline[0]?.split(' ')[0] ?? '';
  const base = path.basename(first);
  return (
    EXECUTABLES.has(base) || base.startsWith('toxiproxy-server') || base === path.basename(process.execPath)
  );
}

export class NativeRuntime implements LabRuntime {
  readonly kind = 'native' as const;
  readonly config: LabConfig;

  constructor(config: LabConfig = loadConfig()) {
    this.config = config;
  }

  pidFile(def: Pick<ServiceDef, 'label'>): string {
    return path.join(this.config.paths.runDir, `${def.label}.pid`);
  }

  logFile(ref: ServiceRef): string {
    return path.join(this.config.paths.logsDir, `${labelOf(ref)}.log`);
  }

  private stackStateFile(): string {
    return path.join(this.config.paths.runDir, 'stack.json');
  }

  private readStackState(): StackState {
    try {
      const parsed = JSON.parse(fs.readFileSync(this.stackStateFile(), 'utf8')) as Partial<StackState>;
      return {
        strategy: { ...this.config.strategy, ...parsed.strategy },
        instances: { ...this.config.instances, ...parsed.instances },
      };
    } catch {
      return { strategy: this.config.strategy, instances: this.config.instances };
    }
  }

  private async context(
    sink: ProgressSink,
    state: StackState,
    tools: readonly ToolName[],
  ): Promise<LabContext> {
    const paths = tools.length > 0 ? await ensureTools(this.config, sink, tools) : toolPaths(this.config);
    return { config: this.config, tools: paths, sink, strategy: state.strategy, instances: state.instances };
  }

  private defFor(ref: ServiceRef): ServiceDef {
    const instance = ref.instance ?? 0;
    if (isApp(ref.service)) return appService(ref.service, instance);
    // kafka-1…3 are the cluster's nodes whatever mode this config is in (down must find them).
    if (ref.service === 'kafka')
      return instance === 0 ? kafkaService() : kafkaNodeService(instance, ensureTopics);
    const def = infraDefs(this.config).find((d) => d.service === ref.service);
    if (!def) throw new LabError(`unknown service ${ref.service}`);
    return def;
  }

  /** Processes that carry a service's identity but have no pid file (a crash lost it). */
  private orphansOf(l: Launch): number[] {
    return findMarked(l.marker)
      .filter((o) => looksLikeLabExecutable(o.cmdline))
      .filter((o) => (l.identifiers ?? []).every((id) => carriesMarker(o, id)))
      .filter((o) => o.stat.pgrp === o.stat.pid || !isAliveGroupLeaderCarrying(o.stat.pgrp, l.marker))
      .map((o) => o.stat.pid);
  }

  /** Starts one service unless its own process is already running; waits for health. */
  async startService(
    ctx: LabContext,
    def: ServiceDef,
    keepRunning = false,
  ): Promise<'started' | 'running' | 'missing'> {
    const missing = def.missing?.(ctx);
    if (missing) {
      ctx.sink(`  ! ${def.label}: ${missing} — not started`);
      return 'missing';
    }
    const pidFile = this.pidFile(def);
    const spec = def.launch(ctx);
    const print = fingerprint(spec);
    const current = track(pidFile);
    if (current.record && current.ownership.kind === 'ours') {
      if (current.ownership.paused) signalGroup(current.record, 'SIGCONT');
      if (keepRunning || current.record.fingerprint === undefined || current.record.fingerprint === print) {
        await this.waitHealthy(ctx, def, current.record);
        await def.afterStart?.(ctx);
        return 'running';
      }
      ctx.sink(`  ${def.label}: settings changed, restarting`);
      await terminate(current.record, def.stopSignal, def.graceMs);
      fs.rmSync(pidFile, { force: true });
    }
    for (const pid of this.orphansOf(spec)) {
      ctx.sink(`  ${def.label}: stopping an earlier lab process (pid ${pid}) that lost its pid file`);
      await this.killOrphan(pid, def);
    }
    await def.prepare?.(ctx);
    const port = portOf(def.address(this.config));
    if (port !== undefined && (await tcpOpen({ host: this.config.services.db.host, port }))) {
      throw new LabError(
        `${def.label}: port ${port} is already in use by a process the lab did not start; stop it or move the lab with the PAYLAB_*_PORT variables (system/src/config.ts)`,
      );
    }
    const record = launch({
      service: def.service,
      instance: def.instance,
      cmd: spec.cmd,
      args: spec.args,
      env: spec.env,
      cwd: spec.cwd,
      logFile: this.logFile(def),
      pidFile,
      marker: spec.marker,
      uid: spec.uid,
      gid: spec.gid,
    });
    fs.writeFileSync(pidFile, `${JSON.stringify({ ...record, fingerprint: print })}\n`);
    await this.waitHealthy(ctx, def, record);
    await def.afterStart?.(ctx);
    return 'started';
  }

  private async killOrphan(pid: number, def: ServiceDef): Promise<void> {
    const observed = observe(pid);
    if (!observed) return;
    const record: PidRecord = {
      service: def.service,
      instance: def.instance,
      pid,
      startTime: observed.stat.startTime,
      marker: '',
    };
    record.marker = observed.cmdline[0] ?? '';
    await terminate(record, def.stopSignal, def.graceMs);
  }

  private async waitHealthy(ctx: LabContext, def: ServiceDef, record: PidRecord): Promise<void> {
    let died = false;
    try {
      await waitUntil(
        def.label,
        async () => {
          if (!isAlive(record)) {
            died = true;
            return true;
          }
          return def.healthy(ctx);
        },
        { timeoutMs: def.startTimeoutMs, initialDelayMs: 100, maxDelayMs: 1000 },
      );
    } catch (error) {
      if (error instanceof WaitTimeoutError) {
        throw new LabError(
          `${error.message}\n--- last lines of ${this.logFile(def)}:\n${tail(this.logFile(def))}`,
        );
      }
      throw error;
    }
    if (died) {
      fs.rmSync(this.pidFile(def), { force: true });
      throw new LabError(
        `${def.label} exited during start-up\n--- last lines of ${this.logFile(def)}:\n${tail(this.logFile(def))}`,
      );
    }
  }

  async up(options: UpOptions = {}): Promise<void> {
    const sink = options.onProgress ?? (() => undefined);
    await withLabLock(this.config.paths.runDir, sink, async () => {
      const previous = this.readStackState();
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
        await step(sink, `${def.label} on ${def.address(this.config)}`, () =>
          this.startService(ctx, def, keep),
        );
      }
      await step(sink, 'applying migrations', () => applyMigrations(this.config, sink));
      if (options.stack) {
        fs.writeFileSync(this.stackStateFile(), `${JSON.stringify(state, null, 2)}\n`);
        if (!keep) await this.stopSurplus(ctx, state.instances);
        for (const def of appDefs(state.instances)) {
          const kafkaClient = def.service === 'relay' || def.service === 'worker';
          await step(sink, `${def.label} on ${def.address(this.config)}`, () =>
            this.startService(ctx, def, keep && !(switched && kafkaClient)),
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
    let files: string[] = [];
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
      const order: ServiceName[] = [
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
      const refs = this.trackedRefs().sort((a, b) => order.indexOf(a.service) - order.indexOf(b.service));
      for (const ref of refs) {
        const def = this.defFor(ref);
        const { record, ownership } = track(this.pidFile(def));
        if (record && ownership.kind === 'ours') {
          await step(sink, `stopping ${def.label} (pid ${record.pid})`, () =>
            terminate(record, def.stopSignal, def.graceMs),
          );
        }
        fs.rmSync(this.pidFile(def), { force: true });
      }
      await this.sweep(sink);
    });
  }

  /** Last resort after a crash lost pid files: any process carrying a lab marker is ended. */
  private async sweep(sink: ProgressSink): Promise<void> {
    const markers = [this.config.paths.stateDir, dbDataDir(this.config), appMarker(this.config)];
    const ancestors = ancestry(process.pid);
    const leftovers = new Map<number, string[]>();
    for (const marker of markers) {
      for (const o of findMarked(marker)) {
        if (ancestors.has(o.stat.pid) || !looksLikeLabExecutable(o.cmdline)) continue;
        leftovers.set(o.stat.pid, o.cmdline);
      }
    }
    for (const [pid, cmdline] of leftovers) {
      const observed = observe(pid);
      if (!observed) continue;
      sink(`  ending leftover lab process ${pid}: ${cmdline.join(' ').slice(0, 120)}`);
      await terminate(
        {
          service: 'leftover',
          instance: 0,
          pid,
          startTime: observed.stat.startTime,
          marker: cmdline[0] ?? '',
        },
        'SIGTERM',
        10_000,
      );
    }
  }

  async status(): Promise<ServiceStatus[]> {
    const state = this.readStackState();
    const ctx = await this.context(() => undefined, state, []);
    const defs = [...infraDefs(this.config), ...appDefs(state.instances)];
    for (const ref of this.trackedRefs()) {
      if (!defs.some((d) => d.label === labelOf(ref))) defs.push(this.defFor(ref));
    }
    return Promise.all(defs.map((def) => this.statusOf(ctx, def)));
  }

  private async statusOf(ctx: LabContext, def: ServiceDef): Promise<ServiceStatus> {
    const base = { service: def.service, instance: def.instance, address: def.address(this.config) };
    const missing = def.missing?.(ctx);
    const { record, ownership } = track(this.pidFile(def));
    if (!record || ownership.kind !== 'ours') {
      return { ...base, state: 'stopped', ...(missing ? { detail: missing } : {}) };
    }
    if (ownership.paused) return { ...base, state: 'paused', pid: record.pid };
    const healthy = await withTimeout(def.healthy(ctx), 3000).catch((error: unknown) => {
      return error instanceof Error ? error.message : String(error);
    });
    return healthy === true
      ? { ...base, state: 'running', pid: record.pid }
      : {
          ...base,
          state: 'unhealthy',
          pid: record.pid,
          detail: typeof healthy === 'string' ? healthy : 'health check failed',
        };
  }

  private tracked(ref: ServiceRef): { def: ServiceDef; record?: PidRecord } {
    const def = this.defFor(ref);
    const { record, ownership } = track(this.pidFile(def));
    return { def, ...(record && ownership.kind === 'ours' ? { record } : {}) };
  }

  async kill(ref: ServiceRef): Promise<void> {
    const { record } = this.tracked(ref);
    if (!record) throw new LabError(`${labelOf(ref)} is not running`);
    signalGroup(record, 'SIGKILL');
    const deadline = Date.now() + 5000;
    while (isAlive(record) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }

  async stop(ref: ServiceRef): Promise<void> {
    const { def, record } = this.tracked(ref);
    if (record) await terminate(record, def.stopSignal, def.graceMs);
    fs.rmSync(this.pidFile(def), { force: true });
  }

  async start(ref: ServiceRef): Promise<void> {
    const def = this.defFor(ref);
    const state = this.readStackState();
    // Scaling out (relay-2 when the last `up` asked for 2): record it so Prometheus scrapes it too.
    const grows =
      (ref.service === 'relay' || ref.service === 'worker') && def.instance >= state.instances[ref.service];
    if (grows && (ref.service === 'relay' || ref.service === 'worker')) {
      state.instances[ref.service] = def.instance + 1;
      fs.mkdirSync(this.config.paths.runDir, { recursive: true });
      fs.writeFileSync(this.stackStateFile(), `${JSON.stringify(state, null, 2)}\n`);
    }
    const ctx = await this.context(() => undefined, state, def.tools);
    const result = await this.startService(ctx, def);
    if (result === 'missing') throw new LabError(`${def.label}: ${def.missing?.(ctx) ?? 'cannot start'}`);
    if (grows && (await writePrometheusConfig(ctx))) this.reloadPrometheus();
  }

  /** Makes a running Prometheus re-read its generated config (scrape targets changed). */
  private reloadPrometheus(): void {
    const { record } = this.tracked({ service: 'prometheus' });
    if (record) signalGroup(record, PROMETHEUS_RELOAD_SIGNAL);
  }

  async restart(ref: ServiceRef): Promise<void> {
    await this.stop(ref);
    await this.start(ref);
  }

  async pause(ref: ServiceRef): Promise<void> {
    const { record } = this.tracked(ref);
    if (!record || !signalGroup(record, 'SIGSTOP')) throw new LabError(`${labelOf(ref)} is not running`);
  }

  async resume(ref: ServiceRef): Promise<void> {
    const { record } = this.tracked(ref);
    if (!record || !signalGroup(record, 'SIGCONT')) throw new LabError(`${labelOf(ref)} is not running`);
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

function isAliveGroupLeaderCarrying(pgrp: number, marker: string): boolean {
  const leader = observe(pgrp);
  return leader !== undefined && carriesMarker(leader, marker);
}

function ancestry(pid: number): Set<number> {
  const seen = new Set<number>([pid]);
  let current = pid;
  for (let i = 0; i < 64; i++) {
    try {
      const status = fs.readFileSync(`/proc/${current}/status`, 'utf8');
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
      if (!ppid || seen.has(ppid)) break;
      seen.add(ppid);
      current = ppid;
    } catch {
      break;
    }
  }
  return seen;
}

function portOf(address: string): number | undefined {
  const match = /^[^\s:]+:(\d+)/.exec(address);
  return match ? Number(match[1]) : undefined;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${ms}ms`)), ms).unref(),
    ),
  ]);
}

export function labelOf(ref: ServiceRef): string {
  if (ref.service === 'kafka' && (ref.instance ?? 0) > 0) return `kafka-${ref.instance}`;
  return ref.service === 'relay' || ref.service === 'worker'
    ? `${ref.service}-${ref.instance ?? 0}`
    : ref.service;
}

const ALL_SERVICES: readonly ServiceName[] = [
  'db',
  'redis',
  'kafka',
  'toxiproxy',
  'prometheus',
  ...APP_SERVICES,
];

/** "relay-1" → relay instance 1; "kafka" → kafka. Unknown labels → undefined. */
export function parseLabel(label: string): ServiceRef | undefined {
  const match = /^(relay|worker)-(\d+)$/.exec(label);
  if (match) return { service: match[1] as 'relay' | 'worker', instance: Number(match[2]) };
  const broker = /^kafka-([1-9])$/.exec(label);
  if (broker) return { service: 'kafka', instance: Number(broker[1]) };
  return (ALL_SERVICES as readonly string[]).includes(label)
    ? { service: label as ServiceName, instance: 0 }
    : undefined;
}
