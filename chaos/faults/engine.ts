/**
 * The chaos engine: turns each scheduled fault into start/stop actions against the lab, plays
 * them on the run's clock, and heals. Healing is part of the design (Jepsen's final generator):
 * heal() removes every toxic, enables every proxy, resets the PG's faults and brings back every
 * process this engine stopped, killed or paused — on success, on failure, and on Ctrl-C.
 */
import type { LabRuntime, ServiceRef } from '../../system/lab/runtime.ts';
import type { LinkControl, MessageInjector, PgAdmin } from './clients.ts';
import type { KafkaClusterControl } from './kafka-cluster.ts';
import type { FaultContext } from './kinds/fault-kind.ts';
import { faultKindLabel, faultLabel, faultTarget, kindOf, type FaultSpec } from './kinds/registry.ts';
import type { ScheduledFault } from './spec.ts';
import type { TimelineRecorder } from '../timeline.ts';

export interface ChaosDeps {
  links: LinkControl;
  pg: PgAdmin;
  runtime: LabRuntime;
  injector: MessageInjector;
  timeline: TimelineRecorder;
  seed: number;
  log: (line: string) => void;
  /** Only with the 3-broker cluster: what the broker fault kinds look up at fault time. */
  cluster?: KafkaClusterControl;
}

export interface InjectionCounts {
  poison: number;
  redelivered: number;
}

interface Active {
  id: string;
  spec: FaultSpec;
  stop: () => Promise<void>;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
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
    return { faultId: id, target: faultTarget(spec), kind: faultKindLabel(spec), label: faultLabel(spec) };
  }

  /** Starts one fault through its kind; returns the action that removes it. */
  private begin(id: string, spec: FaultSpec): Promise<() => Promise<void>> {
    const { links, pg, runtime, injector, seed, log, cluster } = this.deps;
    const context: FaultContext = {
      id,
      ...(cluster ? { cluster } : {}),
      links,
      pg,
      runtime,
      injector,
      seed,
      log,
      injected: this.injected,
      processes: {
        took: (key, ref, paused) => void this.touched.set(key, { ref, paused }),
        released: (key) => void this.touched.delete(key),
      },
    };
    return kindOf(spec).start(spec, context);
  }

  /** Starts a fault; returns when it took effect (epoch ms), or null when it could not start. */
  private async startFault(id: string, spec: FaultSpec): Promise<number | null> {
    const meta = this.meta(id, spec);
    try {
      const stop = await this.begin(id, spec);
      this.active.set(id, { id, spec, stop });
      const { t } = this.deps.timeline.record('start', meta);
      this.deps.log(`fault ${id} on: ${meta.label}`);
      return t;
    } catch (error) {
      // Recorded as data: the run's "faults played" verdict fails on it (a run without its fault
      // did not look at what the scenario is about).
      this.deps.timeline.record('start-failed', meta, errorMessage(error));
      this.deps.log(`fault ${id} could not start: ${errorMessage(error)}`);
      return null;
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
      this.deps.timeline.record('stop-failed', meta, errorMessage(error));
      throw error;
    }
  }

  /** Plays the schedule against the load's clock; returns when every fault has ended or on abort. */
  async play(schedule: readonly ScheduledFault[], loadStart: number, signal: AbortSignal): Promise<void> {
    await Promise.all(
      schedule.map(async (f) => {
        await sleep(loadStart + f.startSeconds * 1000 - Date.now(), signal);
        if (signal.aborted) return;
        // The window runs from when the fault took effect: a start that first looks something up
        // (the active controller, a partition's leader) must not eat into how long it stays on.
        const startedAt = await this.startFault(f.id, f.fault);
        if (startedAt === null) return;
        await sleep(startedAt + f.durationSeconds * 1000 - Date.now(), signal);
        if (signal.aborted) return; // heal() ends it, and records that it was healed, not ended
        await this.endFault(f.id, 'end').catch((error: unknown) =>
          this.deps.log(`fault ${f.id} stop failed, heal will retry: ${String(error)}`),
        );
      }),
    );
  }

  /**
   * What is still faulted: faults whose removal failed, and processes a fault took down or froze
   * that could not be brought back. Empty after a heal that worked; a run reads it after its
   * final heal, and says it loudly when it is not.
   */
  leftBehind(): string[] {
    return [
      ...[...this.active.values()].map((a) => `fault ${a.id} (${faultLabel(a.spec)}) still on`),
      ...[...this.touched].map(([key, { paused }]) => `${key} ${paused ? 'still paused' : 'not running'}`),
    ];
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
