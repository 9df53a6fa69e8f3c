/**
 * What one fault kind is (a Jepsen nemesis package, in small): how a scenario file names it and
 * how that is checked, what it targets and how it is labelled on the timeline, what the explorer
 * may draw for it from a seed, and how it starts — start() returns the stop. The registry
 * (./registry.ts) lists the kinds; the engine, scenario validation and the explorer only ever
 * go through this interface.
 */
import type { LabRuntime, ServiceRef } from '../../../system/lab/runtime.ts';
import type { CheckName } from '../../checker/result.ts';
import type { LinkControl, MessageInjector, PgAdmin } from '../clients.ts';
import type { KafkaClusterControl } from '../kafka-cluster.ts';
import type { Fields } from './check.ts';
import type { Random } from './random.ts';

export type Stop = () => Promise<void>;

/** What the engine lends a starting fault. */
export interface FaultContext {
  /** The fault's id in this run (f1, f2…): unique, so it can name a toxic. */
  id: string;
  links: LinkControl;
  pg: PgAdmin;
  runtime: LabRuntime;
  injector: MessageInjector;
  /** The run's seed: a fault's own random choices (the PG's) derive from it. */
  seed: number;
  log: (line: string) => void;
  /** A process taken down or frozen is reported here first, so heal() brings it back even if
   *  the fault's stop never runs; `released` once it is back. */
  processes: {
    took(key: string, ref: ServiceRef, paused: boolean): void;
    released(key: string): void;
  };
  /** The 3-broker cluster's metadata and proxies; absent when the lab runs one broker. */
  cluster?: KafkaClusterControl;
  /** Messages injected into the stack, which the checker must find again. */
  injected: { poison: number; redelivered: number };
}

export interface FaultKind<S extends { kind: string }> {
  readonly kind: S['kind'];
  /** One line for listings and for the explorer's --faults help. */
  readonly summary: string;
  /** What `--faults kind:target` may name, and what draw() picks from. */
  readonly targets: readonly string[];
  /**
   * Checks a fault read from a scenario file (`fields.kind` is this kind) and returns it typed.
   * Throws FaultSpecError naming the field. `path` is where the fault sits (faults[2].fault).
   */
  parse(fields: Fields, path: string, window: { durationSeconds: number; durationPath: string }): S;
  /** The target on the timeline and the fault_active gauge (a link, a process, pg-mock…). */
  target(spec: S): string;
  /** The kind label of the fault_active gauge and the timeline (link:latency, pg:errorRate…). */
  kindLabel(spec: S): string;
  /** A short human description for reports and the live view. */
  label(spec: S): string;
  /** Whether the fault lasts a window (a toxic) or happens at one instant (a restart, a burst). */
  hasWindow(spec: S): boolean;
  /** A fault of this kind on `target` with attributes drawn, within sensible bounds, from `random`. */
  draw(random: Random, target: string): S;
  /** Variants with fewer settings, for the explorer's shrinker (a PG fault without one of its
   *  settings, a toxic with Toxiproxy's defaults). Each must pass parse() and have fewer fields. */
  simpler?(spec: S): S[];
  /** Only the 3-broker cluster can play it (a scenario with it must ask for brokers: 3). */
  readonly needsCluster?: boolean;
  /** Checks that only a run with this fault exercises (forced redeliveries → duplicate-delivery). */
  readonly exercises?: readonly CheckName[];
  /** Processes (service-instance, e.g. worker-1) this fault restarts on purpose. */
  restarts?(spec: S): string[];
  start(spec: S, ctx: FaultContext): Promise<Stop>;
}

/** Declares a kind with its spec type checked against the interface. */
export function faultKind<S extends { kind: string }>(kind: FaultKind<S>): FaultKind<S> {
  return kind;
}
