/**
 * CPU per payment per process at a fixed arrival rate, from /proc: each process's CPU seconds over
 * the load window divided by the payments the API created in that window (counted in the DB). The
 * stack's share (api + relay + workers + pg-mock + db) is the target; k6, Toxiproxy,
 * Prometheus and the runner are the lab's own overhead.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import {
  labCpuGroups,
  LAB_OVERHEAD_PROCESSES,
  STACK_PROCESSES,
  sumOf,
} from '../../chaos/collect/cpu-groups.ts';
import { startConstantLoad } from '../k6-load.ts';
import { labProcessGroups, maintainTables, scalar, setStack, waitSettled, type BenchLab } from '../lab.ts';
import { cpuUsage, sampleCpu } from '../../chaos/collect/proc-cpu.ts';

export interface CpuPerPayment {
  rate: number;
  payments: number;
  /** CPU ms per payment, per process kind. */
  msPerPayment: Record<string, number>;
  stackMsPerPayment: number;
  labOverheadMsPerPayment: number;
  machineBusyShare: number;
}

export async function measureCpuPerPayment(
  lab: BenchLab,
  options: { rate: number; seconds: number; dir: string; seed: number; workers: number },
): Promise<CpuPerPayment> {
  await setStack(lab, { relay: 1, worker: options.workers });
  await waitSettled(lab, 120_000);
  await maintainTables(lab);
  const load = await startConstantLoad(lab, {
    rate: options.rate,
    seconds: options.seconds,
    dir: path.join(options.dir, `cpu-${options.rate}`),
    seed: options.seed,
    runId: randomUUID().replaceAll('-', '').slice(0, 12),
  });
  if (load.started === null) throw new Error('k6 did not start the fixed-rate load');
  const groups = labCpuGroups(labProcessGroups(lab.config), load.k6.child.pid);
  const before = sampleCpu();
  await load.k6.exited;
  // Let what was accepted be settled, so every payment's relay and worker CPU is in the window.
  await waitSettled(lab, 60_000).catch(() => undefined);
  const after = sampleCpu();
  await load.finish();
  const payments = await scalar(
    lab,
    `SELECT count(*) AS v FROM payments WHERE created_at >= $1 AND created_at <= $2`,
    [new Date(load.started), new Date(after.at)],
  );
  const usage = cpuUsage(before, after, groups);
  const per = (seconds: number) => (payments > 0 ? (seconds * 1000) / payments : Number.NaN);
  const msPerPayment = Object.fromEntries(Object.entries(usage.seconds).map(([name, s]) => [name, per(s)]));
  const result = {
    rate: options.rate,
    payments,
    msPerPayment,
    stackMsPerPayment: per(sumOf(usage, STACK_PROCESSES)),
    labOverheadMsPerPayment: per(sumOf(usage, LAB_OVERHEAD_PROCESSES)),
    machineBusyShare:
      usage.machineCapacitySeconds > 0 ? usage.machineBusySeconds / usage.machineCapacitySeconds : 0,
  };
  lab.log(
    `  cpu per payment at ${options.rate}/s (${payments} payments): stack ${result.stackMsPerPayment.toFixed(2)} ms — ` +
      Object.entries(msPerPayment)
        .sort((a, b) => b[1] - a[1])
        .map(([n, ms]) => `${n} ${ms.toFixed(2)}`)
        .join(', '),
  );
  return result;
}
