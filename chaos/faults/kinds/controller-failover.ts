/**
 * The active KRaft controller (the quorum's leader, read from the quorum at fault time) is
 * killed (SIGKILL) or stopped gracefully, and started again when the window ends. With combined
 * nodes it is a broker too, so its partition leaderships move as well.
 */
import { noUnknownKeys, oneOf } from './check.ts';
import { ALL_BROKER_PROCESSES, brokerRef, needCluster } from './broker.ts';
import { faultKind } from './fault-kind.ts';
import { pick } from './random.ts';

export const CONTROLLER_ACTIONS = ['kill', 'stop'] as const;

export interface ControllerFailoverFault {
  kind: 'controller-failover';
  action: (typeof CONTROLLER_ACTIONS)[number];
}

export const controllerFailoverFault = faultKind<ControllerFailoverFault>({
  kind: 'controller-failover',
  summary: 'kill or stop the active KRaft controller (looked up at fault time); the quorum elects another',
  targets: ['kafka-controller'],
  needsCluster: true,
  parse(f, path) {
    noUnknownKeys(path, f, ['kind', 'action']);
    return { kind: 'controller-failover', action: oneOf(`${path}.action`, f.action, CONTROLLER_ACTIONS) };
  },
  target: () => 'kafka-controller',
  kindLabel: (f) => `controller:${f.action}`,
  label: (f) => `${f.action} the active Kafka controller`,
  hasWindow: () => true,
  draw: (random) => ({ kind: 'controller-failover', action: pick(random, CONTROLLER_ACTIONS) }),
  restarts: () => ALL_BROKER_PROCESSES,
  async start(f, ctx) {
    const cluster = needCluster(ctx);
    const id = await cluster.activeController();
    ctx.log(`the active controller is node ${id}: ${f.action} kafka-${id}`);
    const ref = brokerRef(id);
    const key = `kafka-${id}`;
    ctx.processes.took(key, ref, false);
    await (f.action === 'kill' ? ctx.runtime.kill(ref) : ctx.runtime.stop(ref));
    return async () => {
      await ctx.runtime.start(ref);
      ctx.processes.released(key);
    };
  },
});
