/**
 * The check phase over a run whose faults did not play as scheduled: a fault that never started
 * (its start threw) or was never removed fails the run, with a verdict naming the fault and the
 * error — a run without its fault did not look at what the scenario is about.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LabRuntime, ServiceRef } from '../../../system/lab/runtime.ts';
import type { LinkControl, MessageInjector, PgAdmin } from '../../../chaos/faults/clients.ts';
import { ChaosEngine } from '../../../chaos/faults/engine.ts';
import { scheduleFaults } from '../../../chaos/faults/schedule.ts';
import { TimelineRecorder } from '../../../chaos/timeline.ts';
import { defineScenario } from '../../lib/define.ts';
import { FAULT_AT, FAULT_LOAD, FAULT_WARMUP } from '../../lib/profiles.ts';
import type { Collected, RunContext } from '../context.ts';
import { check } from './check.ts';

function labFakes(failures: { setEnabled?: string; start?: string }) {
  const links: LinkControl = {
    addToxic: async () => undefined,
    removeToxic: async () => undefined,
    setEnabled: async () => {
      if (failures.setEnabled) throw new Error(failures.setEnabled);
    },
    resetAll: async () => undefined,
  };
  const pg: PgAdmin = {
    setFaults: async (s) => ({ ...s }) as never,
    resetFaults: async () => undefined,
    ledger: async () => [],
  };
  const ok = async (_: ServiceRef) => undefined;
  const runtime = {
    kill: ok,
    stop: ok,
    restart: ok,
    pause: ok,
    resume: ok,
    start: async () => {
      if (failures.start) throw new Error(failures.start);
    },
  } as unknown as LabRuntime;
  const injector: MessageInjector = {
    poison: async (n) => n,
    redeliver: async (n) => n,
    close: async () => undefined,
  };
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'paylab-check-')), 'timeline.jsonl');
  const timeline = new TimelineRecorder(file, { set: () => undefined }, { annotate: () => undefined });
  const engine = new ChaosEngine({ links, pg, runtime, injector, timeline, seed: 1, log: () => undefined });
  return { engine, timeline };
}

/** A run context with only what check() reads; the rest of the run is not under test here. */
function runContext(
  scenario: ReturnType<typeof defineScenario>,
  timeline: TimelineRecorder,
  engine: ChaosEngine,
): RunContext {
  const now = Date.now();
  return {
    scenario,
    seed: 1,
    runId: 'rtest',
    strategy: {},
    planned: 1,
    view: { push: () => undefined },
    signal: new AbortController().signal,
    timeline,
    engine,
    notes: [],
    phase: () => undefined,
    disturbed: [],
    k6: { run: null, exitCode: 0, stopProgress: () => undefined },
    clocks: {
      startedAt: now,
      loadStart: now,
      loadEnd: now,
      drainDeadline: now,
      observedUntil: now,
      settledAt: now,
    },
  } as unknown as RunContext;
}

/** A load clock whose FAULT_AT is now: the fault starts at once and lasts its 1 s window. */
const playedNow = () => Date.now() - FAULT_AT * 1000;

const collected: Collected = { k6: null, accepted: [], sliSeries: {}, charts: [], checks: [] };

describe('check: faults that did not play', () => {
  it('when a fault cannot start, then the run fails with a verdict naming the fault and the error', async () => {
    const scenario = defineScenario({
      name: 'start-fails',
      description: 'a link fault whose proxy is missing',
      load: FAULT_LOAD,
      warmUpSeconds: FAULT_WARMUP,
      drainDeadlineSeconds: 30,
      faults: [
        { fault: { kind: 'link', target: 'db', toxic: 'down' }, atSeconds: FAULT_AT, durationSeconds: 1 },
      ],
    });
    const { engine, timeline } = labFakes({ setEnabled: 'no such proxy: db' });
    await engine.play(scheduleFaults(scenario.faults, 1), playedNow(), new AbortController().signal);
    const report = check(runContext(scenario, timeline, engine), collected);
    expect(report.passed).toBe(false);
    const faults = report.verdicts.find((v) => v.name === 'faults played');
    expect(faults).toMatchObject({ pass: false });
    expect(faults?.actual).toContain('f1');
    expect(faults?.actual).toContain('could not start: no such proxy: db');
  });

  it('when a fault played and was removed, then the faults verdict holds and counts it', async () => {
    const scenario = defineScenario({
      name: 'plays',
      description: 'a link fault that plays',
      load: FAULT_LOAD,
      warmUpSeconds: FAULT_WARMUP,
      drainDeadlineSeconds: 30,
      faults: [
        { fault: { kind: 'link', target: 'db', toxic: 'down' }, atSeconds: FAULT_AT, durationSeconds: 1 },
      ],
    });
    const { engine, timeline } = labFakes({});
    await engine.play(scheduleFaults(scenario.faults, 1), playedNow(), new AbortController().signal);
    const report = check(runContext(scenario, timeline, engine), collected);
    expect(report.verdicts.find((v) => v.name === 'faults played')).toMatchObject({
      pass: true,
      actual: '1 of 1 started and removed',
    });
  });

  it('when a killed process cannot be brought back, then the run fails saying the lab is left faulted', async () => {
    const scenario = defineScenario({
      name: 'stop-fails',
      description: 'a worker kill whose restart fails',
      load: FAULT_LOAD,
      warmUpSeconds: FAULT_WARMUP,
      drainDeadlineSeconds: 30,
      faults: [
        {
          fault: { kind: 'process', target: 'worker', instance: 0, action: 'kill' },
          atSeconds: FAULT_AT,
          durationSeconds: 1,
        },
      ],
    });
    const { engine, timeline } = labFakes({ start: 'port 18600 in use' });
    await engine.play(scheduleFaults(scenario.faults, 1), playedNow(), new AbortController().signal);
    await engine.heal();
    const report = check(runContext(scenario, timeline, engine), collected);
    expect(report.passed).toBe(false);
    const faults = report.verdicts.find((v) => v.name === 'faults played');
    expect(faults?.pass).toBe(false);
    expect(faults?.actual).toContain('LAB LEFT FAULTED');
    expect(faults?.actual).toContain('port 18600 in use');
    expect(report.leftFaulted.join(' ')).toContain('worker-0');
  });
});
