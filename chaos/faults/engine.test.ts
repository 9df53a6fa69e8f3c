import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LabRuntime, ServiceRef } from '../../system/lab/runtime.ts';
import { TimelineRecorder, windowsOf } from '../timeline.ts';
import type { LinkControl, MessageInjector, PgAdmin } from './clients.ts';
import { ChaosEngine } from './engine.ts';
import type { ScheduledFault } from './spec.ts';

function fakes() {
  const calls: string[] = [];
  const gauge = new Map<string, boolean>();
  const links: LinkControl = {
    addToxic: async (proxy, t) => void calls.push(`add ${proxy} ${t.type} ${JSON.stringify(t.attributes)}`),
    removeToxic: async (proxy, name) => void calls.push(`remove ${proxy} ${name}`),
    setEnabled: async (proxy, enabled) => void calls.push(`enabled ${proxy} ${enabled}`),
    resetAll: async () => void calls.push('reset links'),
  };
  const pg: PgAdmin = {
    setFaults: async (s) => {
      calls.push(`pg ${JSON.stringify(s)}`);
      return { ...s } as never;
    },
    resetFaults: async () => void calls.push('pg reset'),
    ledger: async () => [],
  };
  const ref = (r: ServiceRef) => `${r.service}-${r.instance ?? 0}`;
  const runtime = {
    kill: async (r: ServiceRef) => void calls.push(`kill ${ref(r)}`),
    stop: async (r: ServiceRef) => void calls.push(`stop ${ref(r)}`),
    start: async (r: ServiceRef) => void calls.push(`start ${ref(r)}`),
    restart: async (r: ServiceRef) => void calls.push(`restart ${ref(r)}`),
    pause: async (r: ServiceRef) => void calls.push(`pause ${ref(r)}`),
    resume: async (r: ServiceRef) => void calls.push(`resume ${ref(r)}`),
  } as unknown as LabRuntime;
  const injector: MessageInjector = {
    poison: async (n) => n,
    redeliver: async (n) => Math.min(n, 3),
    close: async () => undefined,
  };
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'paylab-chaos-')), 'timeline.jsonl');
  const timeline = new TimelineRecorder(
    file,
    { set: (t, k, a) => void gauge.set(`${t}|${k}`, a) },
    { annotate: () => undefined },
  );
  const engine = new ChaosEngine({ links, pg, runtime, injector, timeline, seed: 9, log: () => undefined });
  return { engine, calls, gauge, timeline, file };
}

function at(
  id: string,
  startSeconds: number,
  durationSeconds: number,
  fault: ScheduledFault['fault'],
): ScheduledFault {
  return { id, fault, atSeconds: startSeconds, startSeconds, durationSeconds };
}

describe('chaos engine', () => {
  it('when the schedule plays out, then each fault starts and ends, is recorded, and the gauge returns to 0', async () => {
    const { engine, calls, gauge, timeline, file } = fakes();
    await engine.play(
      [
        at('f1', 0.01, 0.05, {
          kind: 'link',
          target: 'kafka',
          toxic: 'latency',
          attributes: { latency: 50 },
        }),
        at('f2', 0.02, 0.03, { kind: 'pg', settings: { declineRate: 0.5 } }),
        at('f3', 0.02, 0, { kind: 'redeliver', count: 10 }),
      ],
      Date.now(),
      new AbortController().signal,
    );
    expect(calls).toContain('add kafka latency {"latency":50,"jitter":0}');
    expect(calls).toContain('remove kafka paylab-f1');
    expect(calls).toContain('pg {"declineRate":0.5,"seed":9}');
    expect(calls).toContain('pg {"declineRate":0,"seed":9}');
    expect(engine.injected.redelivered).toBe(3);
    expect([...gauge.values()].every((v) => v === false)).toBe(true);
    const windows = windowsOf(timeline.events);
    expect(windows.map((w) => w.id).sort()).toEqual(['f1', 'f2', 'f3']);
    expect(windows.every((w) => w.end !== null)).toBe(true);
    expect(fs.readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(6);
  });

  it('when the run is aborted mid-fault, then heal brings the process back and resets links and PG', async () => {
    const { engine, calls, timeline } = fakes();
    const abort = new AbortController();
    const playing = engine.play(
      [at('f1', 0, 60, { kind: 'process', target: 'worker', instance: 1, action: 'kill' })],
      Date.now(),
      abort.signal,
    );
    await new Promise((r) => setTimeout(r, 20));
    abort.abort();
    await playing;
    expect(await engine.heal()).toEqual([]);
    expect(calls).toEqual(['kill worker-1', 'start worker-1', 'reset links', 'pg reset']);
    expect(timeline.events.map((e) => e.event)).toEqual(['start', 'heal']);
  });

  it('when the run is aborted while a fault is starting, then the fault that started is healed, not left on', async () => {
    const { engine, calls, timeline } = fakes();
    const slow = engine as unknown as { deps: { runtime: { kill: (r: ServiceRef) => Promise<void> } } };
    slow.deps.runtime.kill = async (r) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      calls.push(`kill ${r.service}-${r.instance ?? 0}`);
    };
    const abort = new AbortController();
    const playing = engine.play(
      [at('f1', 0, 60, { kind: 'process', target: 'worker', instance: 1, action: 'kill' })],
      Date.now(),
      abort.signal,
    );
    await new Promise((r) => setTimeout(r, 10));
    abort.abort(); // Ctrl-C: the kill is under way
    await playing; // the runner waits for the player before its final heal
    expect(await engine.heal()).toEqual([]);
    expect(engine.leftBehind()).toEqual([]);
    expect(calls.slice(0, 2)).toEqual(['kill worker-1', 'start worker-1']);
    expect(timeline.events.map((e) => e.event)).toEqual(['start', 'heal']);
  });

  it('when a fault takes a while to start, then it stays on for its whole window from when it took effect', async () => {
    const { engine, timeline } = fakes();
    const slow = engine as unknown as { deps: { runtime: { kill: (r: ServiceRef) => Promise<void> } } };
    // A start that first looks something up (the active controller, a partition's leader).
    slow.deps.runtime.kill = () => new Promise((resolve) => setTimeout(resolve, 150));
    await engine.play(
      [at('f1', 0, 0.2, { kind: 'process', target: 'worker', instance: 1, action: 'kill' })],
      Date.now(),
      new AbortController().signal,
    );
    const [window] = windowsOf(timeline.events);
    expect(window?.end).not.toBeNull();
    expect((window?.end ?? 0) - (window?.start ?? 0)).toBeGreaterThanOrEqual(195);
  });

  it('when two PG faults overlap, then the end of the first leaves the second in force', async () => {
    const { engine, calls } = fakes();
    await engine.play(
      [
        at('f1', 0, 0.02, { kind: 'pg', settings: { declineRate: 0.5 } }),
        at('f2', 0.01, 0.04, {
          kind: 'pg',
          settings: { errorRate: 0.3, latencyMs: { min: 5, max: 9, tailRate: 0, tailMs: 0 } },
        }),
      ],
      Date.now(),
      new AbortController().signal,
    );
    // Each end sets back only its own settings (the PG's profile is one, shared by both faults).
    expect(calls).toEqual([
      'pg {"declineRate":0.5,"seed":9}',
      'pg {"errorRate":0.3,"latencyMs":{"min":5,"max":9,"tailRate":0,"tailMs":0},"seed":9}',
      'pg {"declineRate":0,"seed":9}',
      'pg {"errorRate":0,"latencyMs":{"min":0,"max":0,"tailRate":0,"tailMs":0},"seed":9}',
    ]);
  });

  it('when a fault cannot start, then the error is recorded and the run goes on', async () => {
    const { engine, timeline } = fakes();
    const broken = engine as unknown as { deps: { links: LinkControl } };
    broken.deps.links.setEnabled = async () => {
      throw new Error('no such proxy');
    };
    await engine.play(
      [at('f1', 0, 0.01, { kind: 'link', target: 'db', toxic: 'down' })],
      Date.now(),
      new AbortController().signal,
    );
    expect(timeline.events[0]).toMatchObject({
      event: 'start-failed',
      faultId: 'f1',
      detail: 'no such proxy',
    });
  });
});
