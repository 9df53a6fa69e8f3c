/**
 * One broker of the 3-broker cluster, by id or as the current leader of a payment-events
 * partition (looked up at fault time, so the fault lands where the traffic is):
 * - kill: SIGKILL, started again when the window ends (no controlled shutdown: the controller
 *   fences it after its session timeout and elects new leaders from the ISR);
 * - stop: graceful stop (controlled shutdown moves its leaderships first), started at the end;
 * - pause: SIGSTOP, SIGCONT at the end (a zombie: it wakes up believing it still leads);
 * - isolate: its client and replication proxies down — clients and followers cannot reach it,
 *   while the controller still counts it alive, so it keeps its leaderships;
 * - cut-replication: only its replication proxy down — clients still write to it, its followers
 *   cannot fetch, and after replica.lag.time.max.ms its ISR shrinks to itself.
 */
import type { ServiceRef } from '../../../system/lab/runtime.ts';
import type { KafkaClusterControl, PartitionSelector } from '../kafka-cluster.ts';
import { fail, isRecord, noUnknownKeys, num, oneOf } from './check.ts';
import { faultKind, type FaultContext } from './fault-kind.ts';
import { int, pick } from './random.ts';

export const BROKER_ACTIONS = ['kill', 'stop', 'pause', 'isolate', 'cut-replication'] as const;
export type BrokerAction = (typeof BROKER_ACTIONS)[number];

/** The cluster's node ids (config.kafkaCluster). */
export const BROKER_IDS = [1, 2, 3] as const;
export const BROKER_TARGETS = ['kafka-1', 'kafka-2', 'kafka-3', 'partition-leader'] as const;

export interface BrokerFault {
  kind: 'broker';
  action: BrokerAction;
  /** A node id, or the leader of a payment-events partition (by number, or the partition a key hashes to). */
  broker: number | { leaderOf: PartitionSelector };
}

/** Every broker process: a fault that picks its broker at fault time may restart any of them. */
export const ALL_BROKER_PROCESSES = BROKER_IDS.map((id) => `kafka-${id}`);

export function needCluster(ctx: FaultContext): KafkaClusterControl {
  if (!ctx.cluster)
    throw new Error(
      'this fault needs the 3-broker Kafka cluster (brokers: 3 in the scenario, or --brokers 3)',
    );
  return ctx.cluster;
}

export const brokerRef = (id: number): ServiceRef => ({ service: 'kafka', instance: id });

function targetOf(f: BrokerFault): string {
  if (typeof f.broker === 'number') return `kafka-${f.broker}`;
  const s = f.broker.leaderOf;
  return 'partition' in s ? `partition-leader-p${s.partition}` : `partition-leader-key-${s.key}`;
}

function parseBroker(path: string, value: unknown): BrokerFault['broker'] {
  if (typeof value === 'number') return num(path, value, 1, BROKER_IDS.length, true);
  if (!isRecord(value)) fail(path, 'a broker id 1..3 or { leaderOf: { partition } | { key } }', value);
  noUnknownKeys(path, value, ['leaderOf']);
  const of = value.leaderOf;
  const at = `${path}.leaderOf`;
  if (!isRecord(of)) fail(at, '{ partition: n } or { key: "…" }', of);
  if ('partition' in of) {
    noUnknownKeys(at, of, ['partition']);
    return { leaderOf: { partition: num(`${at}.partition`, of.partition, 0, 255, true) } };
  }
  noUnknownKeys(at, of, ['key']);
  if (typeof of.key !== 'string' || of.key === '') fail(`${at}.key`, 'a non-empty message key', of.key);
  return { leaderOf: { key: of.key } };
}

/** The broker id the fault hits, looked up now when it names a partition's leader. */
async function resolve(
  f: BrokerFault,
  cluster: KafkaClusterControl,
  log: (line: string) => void,
): Promise<number> {
  if (typeof f.broker === 'number') return f.broker;
  const { partition, leader } = await cluster.leaderOf(f.broker.leaderOf);
  log(`partition ${partition} of the payment events is led by broker ${leader}: ${f.action} kafka-${leader}`);
  return leader;
}

export const brokerFault = faultKind<BrokerFault>({
  kind: 'broker',
  summary:
    'kill, stop, pause, isolate or cut the replication of one Kafka broker (by id or partition leader)',
  targets: BROKER_TARGETS,
  needsCluster: true,
  parse(f, path) {
    noUnknownKeys(path, f, ['kind', 'action', 'broker']);
    const action = oneOf(`${path}.action`, f.action, BROKER_ACTIONS);
    return { kind: 'broker', action, broker: parseBroker(`${path}.broker`, f.broker) };
  },
  target: targetOf,
  kindLabel: (f) => `broker:${f.action}`,
  label: (f) => `${f.action} ${targetOf(f)}`,
  hasWindow: () => true,
  draw(random, target) {
    const broker =
      target === 'partition-leader'
        ? { leaderOf: { partition: int(random, 0, 5) } }
        : Number(target.replace('kafka-', ''));
    return { kind: 'broker', action: pick(random, BROKER_ACTIONS), broker };
  },
  restarts: (f) =>
    f.action === 'kill' || f.action === 'stop'
      ? typeof f.broker === 'number'
        ? [`kafka-${f.broker}`]
        : ALL_BROKER_PROCESSES
      : [],
  async start(f, ctx) {
    const cluster = needCluster(ctx);
    const id = await resolve(f, cluster, ctx.log);
    const ref = brokerRef(id);
    const key = `kafka-${id}`;
    switch (f.action) {
      case 'kill':
      case 'stop':
        ctx.processes.took(key, ref, false);
        await (f.action === 'kill' ? ctx.runtime.kill(ref) : ctx.runtime.stop(ref));
        return async () => {
          await ctx.runtime.start(ref);
          ctx.processes.released(key);
        };
      case 'pause':
        ctx.processes.took(key, ref, true);
        await ctx.runtime.pause(ref);
        return async () => {
          await ctx.runtime.resume(ref);
          ctx.processes.released(key);
        };
      case 'isolate':
      case 'cut-replication': {
        const proxies = cluster.proxiesOf(id);
        const cut = f.action === 'isolate' ? [proxies.client, proxies.replication] : [proxies.replication];
        for (const proxy of cut) await ctx.links.setEnabled(proxy, false);
        return async () => {
          for (const proxy of cut) await ctx.links.setEnabled(proxy, true);
        };
      }
    }
  },
});
