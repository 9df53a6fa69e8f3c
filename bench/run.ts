/**
 * One bench run: every stage, `repetitions` times, on one machine in one sitting, so every target
 * is a ratio of figures measured minutes apart. A stage that fails is recorded (its figures stay
 * unmeasured, its targets unmet) and the others still run; the stack is put back as `up` leaves it.
 */
import os from 'node:os';
import path from 'node:path';
import { toxiproxyLinks } from '../chaos/faults/clients.ts';
import { clientFigure, clientsInOrder, compareKafkaClients, type ClientComparison } from './kafka-clients.ts';
import { setStack, waitSettled, type BenchLab } from './lab.ts';
import type { BenchPlan, StageName } from './plan.ts';
import { summarize, type Summary } from './stats.ts';
import { measureApiAlone } from './stages/api-alone.ts';
import { measureCpuPerPayment } from './stages/cpu-per-payment.ts';
import { measureEndToEnd, type EndToEnd } from './stages/end-to-end.ts';
import { deleteBenchTopic, measureKafkaLimits } from './stages/limits-kafka.ts';
import { measureSqlLimits } from './stages/limits-sql.ts';
import { measureOutageDrain } from './stages/outage-drain.ts';
import { measureRelayAlone } from './stages/relay-alone.ts';
import { measureWorkersAlone } from './stages/workers-alone.ts';
import { evaluateTargets, REPORTED_RATIOS, type TargetResult } from './targets.ts';

export interface BenchResult {
  mode: BenchPlan['mode'];
  startedAt: string;
  finishedAt: string;
  plan: BenchPlan;
  machine: { cpus: number; loadAverageAtStart: number[]; node: string };
  figures: Record<string, Summary>;
  samples: Record<string, number[]>;
  targets: TargetResult[];
  ratios: { name: string; description: string; value: number | null }[];
  /** Per repetition, what each stage saw beyond its figures (levels, steps, CPU by process). */
  details: Record<string, unknown>[];
  capacity: EndToEnd[];
  /** kafkajs against @platformatic/kafka, stage by stage (empty ratios when one client ran). */
  kafkaClients: ClientComparison[];
  errors: string[];
}

export async function runBench(
  lab: BenchLab,
  plan: BenchPlan,
  dir: string,
  seed: number,
): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  const loadAverageAtStart = os.loadavg();
  const samples: Record<string, number[]> = {};
  const details: Record<string, unknown>[] = [];
  const capacity: EndToEnd[] = [];
  const errors: string[] = [];
  const record = (name: string, value: number) => (samples[name] ??= []).push(value);

  async function stage<T>(
    rep: number,
    name: string,
    work: () => Promise<T>,
    which?: StageName,
  ): Promise<T | undefined> {
    if (which !== undefined && !plan.stages.includes(which)) return undefined;
    lab.log(`rep ${rep + 1}/${plan.repetitions}: ${name}`);
    try {
      return await work();
    } catch (error) {
      const message = `rep ${rep + 1} ${name}: ${error instanceof Error ? error.message : String(error)}`;
      lab.log(`  FAILED ${message}`);
      errors.push(message);
      return undefined;
    }
  }

  try {
    for (let rep = 0; rep < plan.repetitions; rep++) {
      const repDir = path.join(dir, `rep-${rep + 1}`);
      const detail: Record<string, unknown> = {};
      details.push(detail);
      await stage(rep, 'settle the stack', async () => {
        await setStack(lab, { relay: 1, worker: plan.workers });
        await waitSettled(lab, 300_000);
        await setStack(lab, { relay: 0, worker: 0 });
      });
      const sql = await stage(
        rep,
        'SQL limits (pgbench)',
        () =>
          measureSqlLimits(lab, {
            seconds: plan.sql.seconds,
            clients: plan.sql.clients,
            dir: path.join(repDir, 'pgbench'),
          }),
        'limits',
      );
      if (sql) for (const [k, v] of Object.entries(sql)) record(`limit.${k}`, v);
      // Each client's figure under its own name; the stack's client's also under the plain name
      // the targets read.
      const stackClient = lab.config.kafka.client;
      const clients = clientsInOrder(stackClient, plan.kafkaClients, rep);
      for (const client of clients) {
        const kafka = await stage(
          rep,
          `Kafka limits (raw ${client})`,
          () => measureKafkaLimits(lab, plan.kafkaSeconds, client),
          'limits',
        );
        for (const [k, v] of Object.entries(kafka ?? {})) {
          record(clientFigure(`limit.${k}`, client), v);
          if (client === stackClient) record(`limit.${k}`, v);
        }
      }

      const api = await stage(
        rep,
        'API alone',
        () => measureApiAlone(lab, { connections: plan.api.connections, seconds: plan.api.seconds, seed }),
        'api',
      );
      if (api) {
        record('api.acceptedPerSec', api.acceptedPerSec);
        record('api.p95Ms', api.p95Ms);
        record('api.latencyBoundMet', api.latencyBoundMet ? 1 : 0);
        detail.api = api.levels;
      }
      // With two clients the workers then drain both backlogs: a longer stage, the same rate.
      for (const client of clients) {
        const relay = await stage(
          rep,
          `relay alone (${client})`,
          () => measureRelayAlone(lab, plan.backlog, client),
          'relay',
        );
        if (!relay) continue;
        record(clientFigure('relay.rowsPerSec', client), relay.rowsPerSec);
        if (client === stackClient) record('relay.rowsPerSec', relay.rowsPerSec);
      }
      const workers = await stage(
        rep,
        'workers alone',
        () => measureWorkersAlone(lab, plan.workers),
        'workers',
      );
      if (workers) record('workers.paymentsPerSec', workers.paymentsPerSec);

      const e2e = await stage(
        rep,
        'end to end (capacity search)',
        () => measureEndToEnd(lab, { ...plan.capacity, dir: repDir, seed, workers: plan.workers }),
        'e2e',
      );
      if (e2e) {
        record('e2e.capacityPerSec', e2e.capacityPerSec);
        record('e2e.labOverheadShare', e2e.labOverheadShare);
        capacity.push(e2e);
      }
      const cpu = await stage(
        rep,
        'CPU per payment',
        () => measureCpuPerPayment(lab, { ...plan.cpu, dir: repDir, seed, workers: plan.workers }),
        'cpu',
      );
      if (cpu) {
        record('cpu.stackMsPerPayment', cpu.stackMsPerPayment);
        record('cpu.labOverheadMsPerPayment', cpu.labOverheadMsPerPayment);
        for (const [name, ms] of Object.entries(cpu.msPerPayment)) record(`cpu.msPerPayment.${name}`, ms);
        detail.cpu = cpu;
      }
      const drain = await stage(
        rep,
        'backlog drain after a Kafka outage',
        () => measureOutageDrain(lab, { ...plan.outage, dir: repDir, seed, workers: plan.workers }),
        'drain',
      );
      if (drain) {
        record('drain.ratePerSec', drain.ratePerSec);
        record('drain.arrivalPerSec', drain.arrivalPerSec);
        record('drain.restartSeconds', drain.restartSeconds);
        detail.drain = drain;
      }
    }
  } finally {
    await toxiproxyLinks(lab.config)
      .resetAll()
      .catch(() => undefined);
    await deleteBenchTopic(lab).catch(() => undefined);
    await setStack(lab, { relay: lab.config.instances.relay, worker: lab.config.instances.worker }).catch(
      (error: unknown) => errors.push(`restoring the stack: ${String(error)}`),
    );
  }

  const figures: Record<string, Summary> = {};
  for (const [name, values] of Object.entries(samples)) {
    const summary = summarize(values);
    if (summary) figures[name] = summary;
  }
  return {
    mode: plan.mode,
    startedAt,
    finishedAt: new Date().toISOString(),
    plan,
    machine: { cpus: os.cpus().length, loadAverageAtStart, node: process.version },
    figures,
    samples,
    targets: evaluateTargets(figures),
    ratios: REPORTED_RATIOS.map((r) => ({
      name: r.name,
      description: r.description,
      value: r.value(figures) ?? null,
    })),
    details,
    capacity,
    kafkaClients: compareKafkaClients(figures),
    errors,
  };
}
