/**
 * End to end: the capacity search. k6 at a constant arrival rate, one step per rate, each rate a
 * factor above the last; a step holds when accept p95 ≤ 0.5 s, outbox lag ≤ 2 s, consumer lag
 * ≤ 200 at its end and k6 delivered ≥ 95 % of the planned creates. Capacity is the accepted rate of
 * the last step that held. CPU per process is sampled over every step: the lab's overhead at
 * capacity, and the process that saturated at the first step that did not hold.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createKafka } from '../../system/src/bin/kafka-client.ts';
import { readConsumerLag } from '../../system/src/worker/consumer-lag.ts';
import { readOutboxStats } from '../../system/src/relay/sql/outbox-stats.ts';
import {
  labCpuGroups,
  LAB_OVERHEAD_PROCESSES,
  sumOf,
  wallOf,
  type Wall,
} from '../../chaos/collect/cpu-groups.ts';
import { startConstantLoad } from '../k6-load.ts';
import { labProcessGroups, maintainTables, setStack, sleep, waitSettled, type BenchLab } from '../lab.ts';
import { cpuUsage, sampleCpu, type CpuUsage } from '../../chaos/collect/proc-cpu.ts';

export const CAPACITY_LIMITS = {
  maxP95Ms: 500,
  maxOutboxLagSeconds: 2,
  maxConsumerLag: 200,
  minDelivered: 0.95,
};

export interface CapacityStep {
  rate: number;
  acceptedPerSec: number;
  p95Ms: number | null;
  maxOutboxLagSeconds: number;
  consumerLag: number;
  delivered: number;
  held: boolean;
  /** CPU seconds per process over the step. */
  cpu: Record<string, number>;
  machineBusyShare: number;
  labOverheadShare: number;
  wall: Wall | null;
}

export interface EndToEnd {
  capacityPerSec: number;
  labOverheadShare: number;
  steps: CapacityStep[];
  /** The process that saturated first (at the first step that did not hold), when one did. */
  wall: Wall | null;
}

export function stepHolds(
  step: Omit<CapacityStep, 'held' | 'cpu' | 'machineBusyShare' | 'labOverheadShare' | 'wall'>,
): boolean {
  return (
    step.p95Ms !== null &&
    step.p95Ms <= CAPACITY_LIMITS.maxP95Ms &&
    step.maxOutboxLagSeconds <= CAPACITY_LIMITS.maxOutboxLagSeconds &&
    step.consumerLag <= CAPACITY_LIMITS.maxConsumerLag &&
    step.delivered >= CAPACITY_LIMITS.minDelivered
  );
}

export async function measureEndToEnd(
  lab: BenchLab,
  options: {
    startRate: number;
    factor: number;
    maxSteps: number;
    stepSeconds: number;
    dir: string;
    seed: number;
    workers: number;
  },
): Promise<EndToEnd> {
  await setStack(lab, { relay: 1, worker: options.workers });
  await waitSettled(lab, 120_000);
  await maintainTables(lab);
  const kafka = createKafka(lab.config, 'bench-lag', () => {});
  const admin = kafka.admin();
  await admin.connect();
  const steps: CapacityStep[] = [];
  let wall: Wall | null = null;
  try {
    let rate = options.startRate;
    for (let i = 0; i < options.maxSteps; i++, rate = Math.round(rate * options.factor)) {
      const load = await startConstantLoad(lab, {
        rate,
        seconds: options.stepSeconds,
        dir: path.join(options.dir, `capacity-${rate}`),
        seed: options.seed,
        runId: randomUUID().replaceAll('-', '').slice(0, 12),
      });
      if (load.started === null) throw new Error(`k6 did not start the ${rate}/s step`);
      const groups = labCpuGroups(labProcessGroups(lab.config), load.k6.child.pid);
      const before = sampleCpu();
      let maxLag = 0;
      let ended = false;
      void load.k6.exited.then(() => (ended = true));
      const halfway = Date.now() + (options.stepSeconds * 1000) / 2;
      while (!ended) {
        await sleep(1000);
        if (Date.now() >= halfway)
          maxLag = Math.max(maxLag, (await readOutboxStats(lab.pool)).oldestPendingAgeSeconds);
      }
      const after = sampleCpu();
      const numbers = await load.finish();
      const lags = await readConsumerLag(admin, lab.config.kafka.consumerGroup, [
        lab.config.topics.paymentEvents.name,
        lab.config.topics.retry.name,
      ]).catch(() => []);
      const consumerLag = lags.reduce((sum, p) => sum + p.lag, 0);
      const usage: CpuUsage = cpuUsage(before, after, groups);
      const planned = rate * options.stepSeconds;
      const measured = {
        rate,
        acceptedPerSec: numbers.createsAccepted / options.stepSeconds,
        p95Ms: numbers.createP95Ms,
        maxOutboxLagSeconds: maxLag,
        consumerLag,
        delivered: planned > 0 ? numbers.createsAccepted / planned : 0,
      };
      const step: CapacityStep = {
        ...measured,
        held: stepHolds(measured),
        cpu: usage.seconds,
        machineBusyShare:
          usage.machineCapacitySeconds > 0 ? usage.machineBusySeconds / usage.machineCapacitySeconds : 0,
        labOverheadShare:
          usage.machineCapacitySeconds > 0
            ? sumOf(usage, LAB_OVERHEAD_PROCESSES) / usage.machineCapacitySeconds
            : 0,
        wall: wallOf(usage, { worker: options.workers }) ?? null,
      };
      steps.push(step);
      lab.log(
        `  capacity: ${rate}/s → ${step.acceptedPerSec.toFixed(0)} accepted/s, p95 ${step.p95Ms?.toFixed(0) ?? '?'} ms, ` +
          `outbox lag ${maxLag.toFixed(1)} s, consumer lag ${consumerLag}, machine ${(step.machineBusyShare * 100).toFixed(0)} % busy` +
          `${step.held ? '' : ' — did not hold'}${step.wall ? `; wall: ${step.wall.process}` : ''}`,
      );
      if (!step.held) {
        wall = step.wall;
        break;
      }
      await waitSettled(lab, 60_000).catch(() => undefined);
    }
  } finally {
    await admin.disconnect();
  }
  const held = steps.filter((s) => s.held);
  const best = held[held.length - 1];
  return {
    capacityPerSec: best?.acceptedPerSec ?? Number.NaN,
    labOverheadShare: best?.labOverheadShare ?? Number.NaN,
    steps,
    wall,
  };
}
