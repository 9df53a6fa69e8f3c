/**
 * The chaos engine: turns each scheduled fault into start/stop actions against the lab, plays
 * them on the run's clock, and heals. Healing is part of the design (Jepsen's final generator):
 * heal() removes every toxic, enables every proxy, resets the PG's faults and brings back every
 * process this engine stopped, killed or paused — on success, on failure, and on Ctrl-C.
 */
import type { LabRuntime, ServiceRef } from '../../system/lab/runtime.ts';
import type { LinkControl, MessageInjector, PgAdmin } from './clients.ts';
import {
  faultKind,
  faultLabel,
  faultTarget,
  type FaultSpec,
  type ToxicAttributes,
  type ToxicKind,
} from './spec.ts';
import type { TimelineRecorder } from '../timeline.ts';
import type { ScheduledFault } from './schedule.ts';

export interface ChaosDeps {
  links: LinkControl;
  pg: PgAdmin;
  runtime: LabRuntime;
  injector: MessageInjector;
  timeline: TimelineRecorder;
  seed: number;
  log: (line: string) => void;
}

/** Toxiproxy's attribute defaults are not always useful (latency 0); these make a bare toxic bite. */
const TOXIC_DEFAULTS: { [K in Exclude<ToxicKind, 'down'>]: ToxicAttributes[K] } = {
  latency: { latency: 1000, jitter: 0 },
  bandwidth: { rate: 10 },
  timeout: { timeout: 0 },
  reset_peer: { timeout: 0 },
  slow_close: { delay: 1000 },
  slicer: { average_size: 64, size_variation: 32, delay: 10 },
  limit_data: { bytes: 1024 },
};

export interface InjectionCounts {
  poison: number;
  redelivered: number;
}

interface Active {
  id: string;
  spec: FaultSpec;
  stop: () => Promise<void>;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function processRef(spec: Extract<FaultSpec, { kind: 'process' }>): ServiceRef {
  return spec.instance === undefined
    ? { service: spec.target }
    : { service: spec.target, instance: spec.instance };
}

export class ChaosEngine {
  readonly injected: InjectionCounts = { poison: 0, redelivered: 0 };
  private readonly deps: ChaosDeps;
  private readonly active = new Map<string, Active>();
  /** Processes a fault took down or froze; heal() brings each back even if its stop never ran. */
  private readonly touched = new Map<string, { ref: ServiceRef; paused: boolean }>();

  constructor(deps: ChaosDeps) {
    this.deps = deps;
  }

  private meta(id: string, spec: FaultSpec) {
    return { faultId: id, target: faultTarget(spec), kind: faultKind(spec), label: faultLabel(spec) };
  }

  /** Starts one fault; returns the action that removes it. */
  private async begin(id: string, spec: FaultSpec): Promise<() => Promise<void>> {
    const { links, pg, runtime, injector } = this.deps;
    const toxicName = `paylab-${id}`;
    switch (spec.kind) {
      case 'link': {
        if (spec.toxic === 'down') {
          await links.setEnabled(spec.target, false);
          return () => links.setEnabled(spec.target, true);
        }
        const attributes = { ...TOXIC_DEFAULTS[spec.toxic], ...spec.attributes } as Record<string, number>;
        await links.addToxic(spec.target, {
          name: toxicName,
          type: spec.toxic,
          stream: spec.stream ?? 'downstream',
          toxicity: spec.toxicity ?? 1,
          attributes,
        });
        return () => links.removeToxic(spec.target, toxicName);
      }
      case 'process': {
        const ref = processRef(spec);
        const key = faultTarget(spec);
        switch (spec.action) {
          case 'kill':
          case 'stop':
            this.touched.set(key, { ref, paused: false });
            await (spec.action === 'kill' ? runtime.kill(ref) : runtime.stop(ref));
            return async () => {
              await runtime.start(ref);
              this.touched.delete(key);
            };
          case 'pause':
            this.touched.set(key, { ref, paused: true });
            await runtime.pause(ref);
            return async () => {
              await runtime.resume(ref);
              this.touched.delete(key);
            };
          case 'restart':
            this.touched.set(key, { ref, paused: false });
            await runtime.restart(ref);
            this.touched.delete(key);
            return async () => undefined;
        }
        break;
      }
      case 'pg':
        await pg.setFaults({ ...spec.settings, seed: this.deps.seed });
        return () => pg.resetFaults();
      case 'poison':
        this.injected.poison += await injector.poison(spec.count);
        return async () => undefined;
      case 'redeliver': {
        const n = await injector.redeliver(spec.count);
        this.injected.redelivered += n;
        if (n < spec.count)
          this.deps.log(
            `  redeliver: only ${n} processed events of this run were available (asked for ${spec.count})`,
          );
        return async () => undefined;
      }
    }
  }

  private async startFault(id: string, spec: FaultSpec): Promise<boolean> {
    const meta = this.meta(id, spec);
    try {
      const stop = await this.begin(id, spec);
      this.active.set(id, { id, spec, stop });
      this.deps.timeline.record('start', meta);
      this.deps.log(`fault ${id} on: ${meta.label}`);
      return true;
    } catch (error) {
      this.deps.timeline.record(
        'error',
        meta,
        `start failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      this.deps.log(`fault ${id} could not start: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }

  private async endFault(id: string, event: 'end' | 'heal'): Promise<void> {
    const a = this.active.get(id);
    if (!a) return;
    const meta = this.meta(id, a.spec);
    // The fault is removed when its removal is issued; a process that then takes 30 s to become
    // healthy again is part of the recovery, not of the fault.
    const issuedAt = Date.now();
    try {
      await a.stop();
      this.active.delete(id);
      const took = (Date.now() - issuedAt) / 1000;
      this.deps.timeline.record(
        event,
        meta,
        took >= 1 ? `removal took ${took.toFixed(1)} s` : undefined,
        issuedAt,
      );
      this.deps.log(`fault ${id} off: ${meta.label}`);
    } catch (error) {
      this.deps.timeline.record(
        'error',
        meta,
        `stop failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      throw error;
    }
  }

  /** Plays the schedule against the load's clock; returns when every fault has ended or on abort. */
  async play(schedule: readonly ScheduledFault[], loadStart: number, signal: AbortSignal): Promise<void> {
    await Promise.all(
      schedule.map(async (f) => {
        await sleep(loadStart + f.startSeconds * 1000 - Date.now(), signal);
        if (signal.aborted) return;
        const startedAt = Date.now();
        if (!(await this.startFault(f.id, f.fault))) return;
        await sleep(startedAt + f.durationSeconds * 1000 - Date.now(), signal);
        if (signal.aborted) return; // heal() ends it, and records that it was healed, not ended
        await this.endFault(f.id, 'end').catch((error: unknown) =>
          this.deps.log(`fault ${f.id} stop failed, heal will retry: ${String(error)}`),
        );
      }),
    );
  }

  /** Removes every fault, whatever state the run is in. Safe to call more than once. */
  async heal(): Promise<string[]> {
    const problems: string[] = [];
    for (const id of [...this.active.keys()]) {
      await this.endFault(id, 'heal').catch((error: unknown) => problems.push(`${id}: ${String(error)}`));
    }
    // Belt and braces: leftovers of an earlier, interrupted run are healed too.
    await this.deps.links
      .resetAll()
      .catch((error: unknown) => problems.push(`toxiproxy reset: ${String(error)}`));
    await this.deps.pg
      .resetFaults()
      .catch((error: unknown) => problems.push(`pg-mock fault reset: ${String(error)}`));
    for (const [key, { ref, paused }] of this.touched) {
      try {
        await (paused ? this.deps.runtime.resume(ref) : this.deps.runtime.start(ref));
        this.touched.delete(key);
      } catch (error) {
        problems.push(`${key}: ${String(error)}`);
      }
    }
    await this.deps.injector.close().catch(() => undefined);
    return problems;
  }
}
