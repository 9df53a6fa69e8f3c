/**
 * A rolling restart of the cluster, as an operator does it: each broker in turn is stopped
 * gracefully (controlled shutdown hands its leaderships over), started, and the next one waits
 * until every partition has its full ISR again. The active controller goes last. The window is
 * how long the restart may take; its end waits for the restart to finish if it has not.
 */
import { noUnknownKeys, num } from './check.ts';
import { ALL_BROKER_PROCESSES, BROKER_IDS, brokerRef, needCluster } from './broker.ts';
import { faultKind } from './fault-kind.ts';
import { int } from './random.ts';

export interface RollingRestartFault {
  kind: 'rolling-restart';
  /** Seconds to wait after a broker's replicas are back in sync before the next one. */
  pauseSeconds?: number;
}

export const rollingRestartFault = faultKind<RollingRestartFault>({
  kind: 'rolling-restart',
  summary: 'restart every Kafka broker in turn (controlled shutdown, wait for the ISR), the controller last',
  targets: ['kafka-cluster'],
  needsCluster: true,
  parse(f, path) {
    noUnknownKeys(path, f, ['kind', 'pauseSeconds']);
    if (f.pauseSeconds !== undefined) num(`${path}.pauseSeconds`, f.pauseSeconds, 0, 60);
    return { ...f, kind: 'rolling-restart' } as RollingRestartFault;
  },
  target: () => 'kafka-cluster',
  kindLabel: () => 'cluster:rolling-restart',
  label: () => 'rolling restart of the Kafka brokers',
  hasWindow: () => true,
  draw: (random) => ({ kind: 'rolling-restart', pauseSeconds: int(random, 0, 5) }),
  restarts: () => ALL_BROKER_PROCESSES,
  async start(f, ctx) {
    const cluster = needCluster(ctx);
    const controller = await cluster.activeController().catch((): number => 3);
    const order = [...BROKER_IDS.filter((id) => id !== controller), controller];
    const rolling = (async () => {
      for (const id of order) {
        const key = `kafka-${id}`;
        ctx.log(`rolling restart: kafka-${id}`);
        ctx.processes.took(key, brokerRef(id), false);
        await ctx.runtime.restart(brokerRef(id));
        ctx.processes.released(key);
        await cluster.waitInSync(120_000);
        await new Promise((r) => setTimeout(r, (f.pauseSeconds ?? 0) * 1000));
      }
      ctx.log('rolling restart: every broker restarted, every replica in sync');
    })();
    // Surfaces at the window's end (stop), not as an unhandled rejection in between.
    rolling.catch(() => undefined);
    return () => rolling;
  },
});
