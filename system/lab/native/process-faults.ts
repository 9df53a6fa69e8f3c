/**
 * The process faults of the chaos catalogue on the native runtime: SIGKILL, graceful stop, and
 * SIGSTOP/SIGCONT of a service's whole process group. Each signal goes only to a process that
 * /proc proves is still the one its pid file recorded (a stale pid never hits a stranger).
 */
import fs from 'node:fs';
import type { LabConfig } from '../../src/config.ts';
import { LabError, type ServiceRef } from '../runtime.ts';
import { labelOf } from './labels.ts';
import type { PidRecord } from './proc-info.ts';
import type { ServiceDef } from './service-def.ts';
import { defFor, pidFileOf } from './services.ts';
import { isAlive, signalGroup, terminate, track } from './supervisor.ts';

/** How long kill waits for the group to be gone, so a start right after never races it. */
const KILL_SETTLE_MS = 5000;
const KILL_POLL_MS = 50;

/** A service's definition and, when its own process is running, the pid record. */
export function tracked(config: LabConfig, ref: ServiceRef): { def: ServiceDef; record?: PidRecord } {
  const def = defFor(config, ref);
  const { record, ownership } = track(pidFileOf(config, def));
  return { def, ...(record && ownership.kind === 'ours' ? { record } : {}) };
}

export async function killProcess(config: LabConfig, ref: ServiceRef): Promise<void> {
  const { record } = tracked(config, ref);
  if (!record) throw new LabError(`${labelOf(ref)} is not running`);
  signalGroup(record, 'SIGKILL');
  const deadline = Date.now() + KILL_SETTLE_MS;
  while (isAlive(record) && Date.now() < deadline) await new Promise((r) => setTimeout(r, KILL_POLL_MS));
}

/** Graceful: the service's stop signal, SIGKILL after its grace period. Stopping a stopped service is fine. */
export async function stopProcess(config: LabConfig, ref: ServiceRef): Promise<void> {
  const { def, record } = tracked(config, ref);
  if (record) await terminate(record, def.stopSignal, def.graceMs);
  fs.rmSync(pidFileOf(config, def), { force: true });
}

export function pauseProcess(config: LabConfig, ref: ServiceRef): void {
  const { record } = tracked(config, ref);
  if (!record || !signalGroup(record, 'SIGSTOP')) throw new LabError(`${labelOf(ref)} is not running`);
}

export function resumeProcess(config: LabConfig, ref: ServiceRef): void {
  const { record } = tracked(config, ref);
  if (!record || !signalGroup(record, 'SIGCONT')) throw new LabError(`${labelOf(ref)} is not running`);
}
