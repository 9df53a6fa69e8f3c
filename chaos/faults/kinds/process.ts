/**
 * Process faults through the LabRuntime: kill -9, graceful stop, restart, pause (SIGSTOP) of a
 * lab service. pg-mock is a target too: the PG crashing mid-capture is a fault a payment stack
 * must survive (its ledger is durable).
 */
import type { ServiceRef } from '../../../system/lab/runtime.ts';
import { noUnknownKeys, num, oneOf } from './check.ts';
import { faultKind } from './fault-kind.ts';
import { pick } from './random.ts';

export const PROCESS_TARGETS = ['api', 'relay', 'worker', 'pg-mock', 'kafka', 'db', 'redis'] as const;
export type ProcessTarget = (typeof PROCESS_TARGETS)[number];

export const PROCESS_ACTIONS = ['kill', 'stop', 'restart', 'pause'] as const;
/** kill: SIGKILL, started again when the window ends. stop: graceful stop, started at the end.
 *  restart: a graceful restart at the start (the window covers the restart itself).
 *  pause: SIGSTOP, SIGCONT at the end. */
export type ProcessAction = (typeof PROCESS_ACTIONS)[number];

export interface ProcessFault {
  kind: 'process';
  target: ProcessTarget;
  action: ProcessAction;
  instance?: number;
}

function ref(f: ProcessFault): ServiceRef {
  return f.instance === undefined ? { service: f.target } : { service: f.target, instance: f.instance };
}

function key(f: ProcessFault): string {
  return f.instance === undefined ? f.target : `${f.target}-${f.instance}`;
}

export const processFault = faultKind<ProcessFault>({
  kind: 'process',
  summary: 'kill -9, graceful stop, restart or pause (SIGSTOP) of a lab process',
  targets: PROCESS_TARGETS,
  parse(f, path) {
    noUnknownKeys(path, f, ['kind', 'target', 'action', 'instance']);
    const target = oneOf(`${path}.target`, f.target, PROCESS_TARGETS);
    const action = oneOf(`${path}.action`, f.action, PROCESS_ACTIONS);
    if (f.instance !== undefined) num(`${path}.instance`, f.instance, 0, 8, true);
    return { ...f, kind: 'process', target, action } as ProcessFault;
  },
  target: key,
  kindLabel: (f) => `process:${f.action}`,
  label: (f) => `${f.action} ${key(f)}`,
  hasWindow: (f) => f.action !== 'restart',
  draw(random, target) {
    // Instance 0 exists whatever the instance count; a restart is instantaneous.
    return { kind: 'process', target: target as ProcessTarget, action: pick(random, PROCESS_ACTIONS) };
  },
  restarts: (f) => [`${f.target}-${f.instance ?? 0}`],
  async start(f, { runtime, processes }) {
    const r = ref(f);
    const k = key(f);
    switch (f.action) {
      case 'kill':
      case 'stop':
        processes.took(k, r, false);
        await (f.action === 'kill' ? runtime.kill(r) : runtime.stop(r));
        return async () => {
          await runtime.start(r);
          processes.released(k);
        };
      case 'pause':
        processes.took(k, r, true);
        await runtime.pause(r);
        return async () => {
          await runtime.resume(r);
          processes.released(k);
        };
      case 'restart':
        processes.took(k, r, false);
        await runtime.restart(r);
        processes.released(k);
        return async () => undefined;
    }
  },
});
