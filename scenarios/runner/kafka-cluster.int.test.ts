/**
 * The 3-broker cluster end to end, as CI runs it: the scenario CLI brings the cluster up by itself
 * (the scenarios ask for brokers: 3), plays partition 0's leader losing its followers and then
 * dying, and the checker reads the topic back. The robust relay (acks=all) loses nothing; the
 * naive one (acks=1) loses acknowledged records, which is its pass. Afterwards the lab goes back
 * to one broker for the other integration tests.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Partitioners, type Admin, type Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaClusterControl, partitionOfKey } from '../../chaos/faults/kafka-cluster.ts';
import { createRuntime } from '../../system/lab/create-runtime.ts';
import { createKafka } from '../../system/src/bin/kafka-client.ts';
import { loadConfig, withBrokers } from '../../system/src/config.ts';
import { relayProducerFactory } from '../../system/src/bin/relay-producer.ts';
import { UnacknowledgedPartitionsError } from '../../system/src/relay/partition-acks.ts';
import type { OutboundRecord } from '../../system/src/relay/producer-client.ts';
import { renewingProducer } from '../../system/src/relay/renewing-producer.ts';
import type { RunReport } from '../../chaos/report/model.ts';

const config = loadConfig();
const CLI = path.join(config.paths.repoRoot, 'scenarios', 'runner', 'cli.ts');

function runScenario(args: string[]): { code: number | null; output: string; report: RunReport } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args, '--plain'], {
    cwd: config.paths.repoRoot,
    encoding: 'utf8',
    timeout: 900_000,
    env: process.env,
  });
  const printed = /report: (\S+)\/report\.md/.exec(result.stdout);
  if (!printed?.[1]) throw new Error(`the run printed no report folder:\n${result.stdout}\n${result.stderr}`);
  const report = JSON.parse(fs.readFileSync(path.join(printed[1], 'result.json'), 'utf8')) as RunReport;
  return { code: result.status, output: `${result.stdout}\n${result.stderr}`, report };
}

/** What the checker found for one invariant, read from the topic, the DB and the PG's ledger. */
const check = (report: RunReport, name: string) => report.checks.find((c) => c.name === name);

// After every test of this file (the describes below switch the lab to the cluster): back to one
// broker, the stack restarted on it, for the other integration tests.
afterAll(async () => {
  await createRuntime('native', config).up({ stack: true });
}, 900_000);

describe('the 3-broker Kafka cluster, end to end', () => {
  // In CI on 2026-11-30 (fresh cluster, seed 42) this lost 33 events the relay had marked sent: a
  // kafkajs send resolved without the killed leader's partitions (issue 10, see
  // system/src/relay/partition-acks.ts and the leader-move test below, which forces that interleaving).
  it('kafka-leader-kill: a follower takes over, nothing lost, double-charged or reordered', () => {
    const { code, output, report } = runScenario(['kafka-leader-kill', '--duration', '60']);
    expect(code, output).toBe(0);
    for (const name of ['lost', 'double-charge', 'reorder']) {
      expect(check(report, name)?.valid, name).toBe(true);
      expect(check(report, name)?.problemCount, name).toBe(0);
    }
  }, 900_000);

  it('naive-relay-acks-1: the same schedule loses acknowledged records, and the checker says so', () => {
    const { code, output, report } = runScenario(['naive-relay-acks-1', '--duration', '60']);
    expect(code, output).toBe(0);
    expect(check(report, 'lost')?.valid).toBe(false);
    expect(check(report, 'lost')?.problemCount).toBeGreaterThan(0);
  }, 900_000);
});

/**
 * Issue 10's root cause on the real cluster, without depending on a scenario's timing: a producer
 * whose metadata still names a killed broker as a leader sends one batch over every partition. The
 * killed broker's request fails, the refreshed metadata moves its partitions to brokers that
 * already answered in this send, and kafkajs 2.2.4 resolves without sending them again
 * (tulios/kafkajs PR #1798, unmerged). The relay's producer must refuse such a send, so its rows are retried.
 * Runs after the scenarios above, on the cluster they left up.
 */
describe('a partition leader killed under producers that still think it leads', () => {
  const clusterConfig = withBrokers(config, 3);
  const runtime = createRuntime('native', clusterConfig);
  const topic = `paylab.leader-move-test.${process.pid}`;
  const PARTITIONS = 6;
  // The relay's producer settings (system/src/bin/relay-producer.ts), on a plain kafkajs producer.
  const t = clusterConfig.tuning.kafkaClient;
  const settings = {
    idempotent: true,
    maxInFlightRequests: 1,
    retry: { retries: t.retries, initialRetryTime: t.retryInitialMs, maxRetryTime: t.retryMaxMs },
  };
  let kafka: Kafka;
  let admin: Admin;
  let killed: number | undefined;

  /** Keys over every partition: one message per payment key. */
  const batch = (name: string): OutboundRecord => ({
    topic,
    acks: -1,
    messages: Array.from({ length: 36 }, (_, i) => ({
      key: `${name}-${i}`,
      value: `${name}:${i}`,
      headers: {},
    })),
  });

  /** A read through a fresh admin client, retried: one that was talking to the killed broker fails. */
  async function read<T>(what: (client: Admin) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = kafka.admin();
      try {
        await client.connect();
        return await what(client);
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      } finally {
        await client.disconnect().catch(() => undefined);
      }
    }
  }

  const partitionsNow = () =>
    read(async (client) => {
      const metadata = await client.fetchTopicMetadata({ topics: [topic] });
      return metadata.topics[0]?.partitions ?? [];
    });

  const highWatermarks = () =>
    read(async (client) => {
      const offsets = await client.fetchTopicOffsets(topic);
      return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
    });

  beforeAll(async () => {
    // With the stack: the relays and workers must follow the switch, or they keep the other
    // topology's brokers and may not find their group coordinator when the lab switches back.
    await runtime.up({ stack: true });
    kafka = createKafka(clusterConfig, 'leader-move-test', () => {});
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: PARTITIONS,
          replicationFactor: 3,
          configEntries: [{ name: 'min.insync.replicas', value: '2' }],
        },
      ],
      waitForLeaders: true,
    });
  }, 900_000);

  afterAll(async () => {
    if (killed !== undefined) await runtime.start({ service: 'kafka', instance: killed });
    const control = kafkaClusterControl(clusterConfig, runtime);
    try {
      await control.waitInSync(120_000);
    } finally {
      await control.close();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  }, 300_000);

  it('kafkajs resolves a send missing the dead leader partitions; the relay producer refuses it and its retry writes them', async () => {
    const plain = kafka.producer({ ...settings, createPartitioner: Partitioners.DefaultPartitioner });
    // The relay's own kafkajs producer, as relay-service.ts builds it.
    const relayProducer = renewingProducer(
      relayProducerFactory(
        clusterConfig,
        { name: 'cluster-test', topic, idempotent: true, log: () => {} },
        'kafkajs',
      ),
      () => {},
    );
    await plain.connect();
    await relayProducer.connect();
    try {
      // Both learn every partition's leader now; kafkajs keeps that metadata for minutes.
      await plain.send(batch('warm-plain'));
      await relayProducer.send(batch('warm-relay'), 10_000);

      const victim = (await partitionsNow()).find((p) => p.partitionId === 0)?.leader;
      if (victim === undefined) throw new Error(`${topic} partition 0 has no leader`);
      const ledByVictim = (await partitionsNow())
        .filter((p) => p.leader === victim)
        .map((p) => p.partitionId);
      killed = victim;
      await runtime.kill({ service: 'kafka', instance: victim });
      // The controller fences the dead broker and elects its followers; the producers do not know.
      const deadline = Date.now() + 60_000;
      for (;;) {
        const moved = (await partitionsNow()).filter((p) => ledByVictim.includes(p.partitionId));
        if (moved.length === ledByVictim.length && moved.every((p) => p.leader >= 0 && p.leader !== victim))
          break;
        if (Date.now() > deadline) throw new Error(`partitions ${ledByVictim.join(', ')} kept no new leader`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }

      // The defect: the send resolves, and the dead leader's partitions got nothing.
      const before = await highWatermarks();
      const acks = await plain.send(batch('plain'));
      const afterPlain = await highWatermarks();
      expect(acks.map((a) => a.partition).filter((p) => ledByVictim.includes(p))).toEqual([]);
      for (const p of ledByVictim) expect(afterPlain.get(p), `partition ${p}`).toBe(before.get(p));

      // The relay's producer refuses that answer; the relay sends the rows again, which writes them.
      const record = batch('relay');
      await expect(relayProducer.send(record, 10_000)).rejects.toThrow(UnacknowledgedPartitionsError);
      await relayProducer.send(record, 10_000);
      const afterRelay = await highWatermarks();
      const metadata = await partitionsNow();
      for (const p of ledByVictim) {
        const expected = record.messages.filter(
          (m) => partitionOfKey(topic, String(m.key), metadata) === p,
        ).length;
        expect(expected, `partition ${p} has messages in the batch`).toBeGreaterThan(0);
        expect((afterRelay.get(p) ?? 0) - (afterPlain.get(p) ?? 0), `partition ${p}`).toBe(expected);
      }
    } finally {
      await plain.disconnect();
      await relayProducer.disconnect();
    }
  }, 300_000);
});
