/**
 * The fault registry: every fault kind the lab can play. Adding a kind is one file in this folder
 * (see fault-kind.ts) and one line in FAULT_KINDS; the scenario validation, the chaos engine, the
 * timeline labels and the explorer all read this list and hold no switch on the kind.
 */
import type { CheckName } from '../../checker/result.ts';
import { fail, isRecord, type Fields } from './check.ts';
import type { FaultKind } from './fault-kind.ts';
import { brokerFault } from './broker.ts';
import { controllerFailoverFault } from './controller-failover.ts';
import { linkFault } from './link.ts';
import { pgFault } from './pg.ts';
import { poisonFault } from './poison.ts';
import { processFault } from './process.ts';
import { redeliverFault } from './redeliver.ts';
import { rollingRestartFault } from './rolling-restart.ts';

export const FAULT_KINDS = [
  linkFault,
  processFault,
  pgFault,
  poisonFault,
  redeliverFault,
  brokerFault,
  controllerFailoverFault,
  rollingRestartFault,
] as const;

type SpecOf<K> = K extends FaultKind<infer S> ? S : never;
/** A fault as a scenario file writes it: the union of every registered kind's spec. */
export type FaultSpec = SpecOf<(typeof FAULT_KINDS)[number]>;
export type FaultKindName = FaultSpec['kind'];

export const FAULT_KIND_NAMES = FAULT_KINDS.map((k) => k.kind) as readonly FaultKindName[];

/** The kind of a spec. The one cast of the registry: a spec's `kind` names the entry that made it. */
export function kindOf(spec: FaultSpec): FaultKind<FaultSpec> {
  const found = FAULT_KINDS.find((k) => k.kind === spec.kind);
  if (!found) throw new Error(`no fault kind "${String(spec.kind)}" in the registry`);
  return found as unknown as FaultKind<FaultSpec>;
}

export function findKind(name: string): FaultKind<FaultSpec> | undefined {
  return FAULT_KINDS.find((k) => k.kind === name) as FaultKind<FaultSpec> | undefined;
}

/** Checks one timeline fault from a scenario file; throws FaultSpecError naming the field. */
export function parseFault(
  value: unknown,
  path: string,
  window: { durationSeconds: number; durationPath: string },
): FaultSpec {
  const names = FAULT_KIND_NAMES.join(', ');
  if (!isRecord(value)) fail(path, `an object with kind ${FAULT_KIND_NAMES.join(' | ')}`, value);
  const kind = typeof value.kind === 'string' ? findKind(value.kind) : undefined;
  if (!kind) fail(`${path}.kind`, `one of ${names}`, value.kind);
  return kind.parse(value as Fields, path, window);
}

export const faultTarget = (f: FaultSpec): string => kindOf(f).target(f);
/** The kind label of the fault_active gauge and the timeline. */
export const faultKindLabel = (f: FaultSpec): string => kindOf(f).kindLabel(f);
export const faultLabel = (f: FaultSpec): string => kindOf(f).label(f);
export const faultHasWindow = (f: FaultSpec): boolean => kindOf(f).hasWindow(f);
/** Simpler variants of a fault (fewer settings), for the shrinker. */
export const faultSimpler = (f: FaultSpec): FaultSpec[] => kindOf(f).simpler?.(f) ?? [];
/** How many values a fault's spec sets: what faultSimpler() lowers. */
export function faultFieldCount(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 1;
  return Object.values(value).reduce((sum: number, v) => sum + faultFieldCount(v), 0);
}
/** Processes (service-instance) the fault restarts on purpose: not a foreign disturbance. */
export const faultRestarts = (f: FaultSpec): string[] => kindOf(f).restarts?.(f) ?? [];

/** Checks that only some fault kind exercises, each with whether one of `faults` does: a check
 *  listed as false here would be a verdict over nothing. */
export function exercisedByFaults(faults: readonly FaultSpec[]): Partial<Record<CheckName, boolean>> {
  const out: Partial<Record<CheckName, boolean>> = {};
  for (const k of FAULT_KINDS) for (const c of k.exercises ?? []) out[c] = false;
  // Called on files not validated yet: an unknown kind is validation's to name, not ours.
  for (const f of faults) for (const c of findKind(String(f.kind))?.exercises ?? []) out[c] = true;
  return out;
}
