import { describe, expect, it } from 'vitest';
import { progressLine, startPlainView } from './plain.ts';
import { initialViewState, viewReducer } from './state.ts';
import type { Sample } from './sampler.ts';

describe('startPlainView', () => {
  it('when stdout is not a terminal, then log entries print as they happen and progress lines periodically', async () => {
    const lines: string[] = [];
    let clock = Date.UTC(2026, 10, 25, 20, 0, 0);
    const sampler = async (): Promise<Sample> => {
      clock += 1000;
      return {
        at: clock,
        values: { accepted_rate: 50, accept_p95_latency: 0.05 },
        counters: { double_captures: { '': 3 } },
        faults: [],
      };
    };
    const view = startPlainView({
      prometheusUrl: 'http://prom',
      title: 'smoke',
      write: (line) => lines.push(line),
      sampler,
      sampleIntervalMs: 5,
      progressEveryMs: 3000,
      now: () => clock,
    });
    await new Promise((resolve) => setTimeout(resolve, 60));
    view.push({
      type: 'fault-started',
      faultId: 'f',
      label: 'kafka down',
      target: 'kafka',
      kind: 'down',
      at: clock,
    });
    await view.stop();
    const afterStop = lines.length;
    view.push({ type: 'message', text: 'ignored after stop' });

    expect(lines[0]).toContain('plain output: stdout is not a terminal');
    expect(lines.some((l) => /fault started: kafka down$/.test(l))).toBe(true);
    const progress = lines.filter((l) => l.startsWith('['));
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.at(-1)).toMatch(
      /accepted 50\.0\/s .* p95 50ms .* double charges 0 \| faults: kafka down/,
    );
    expect(lines).toHaveLength(afterStop);
  });

  it('while the runner brings the lab up, then an unreachable Prometheus prints no progress lines; once the load starts it does', async () => {
    const lines: string[] = [];
    let clock = Date.UTC(2026, 10, 25, 20, 0, 0);
    const sampler = async (): Promise<Sample> => {
      clock += 1000;
      throw new Error('Prometheus at http://prom is not reachable — is the lab up (npm run lab -- up)?');
    };
    const view = startPlainView({
      prometheusUrl: 'http://prom',
      title: 'smoke',
      write: (line) => lines.push(line),
      sampler,
      sampleIntervalMs: 5,
      progressEveryMs: 1000,
      now: () => clock,
    });
    view.push({ type: 'phase', phase: 'prepare', at: clock });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(lines.filter((l) => l.includes('is the lab up'))).toEqual([]);
    view.push({ type: 'phase', phase: 'load', at: clock });
    await new Promise((resolve) => setTimeout(resolve, 60));
    await view.stop();
    expect(lines.some((l) => l.includes('is the lab up'))).toBe(true);
  });
});

describe('progressLine', () => {
  it('when the cluster runs, then the line says what each broker leads, which is down and what is under-replicated', () => {
    const T0 = Date.UTC(2026, 10, 25, 20, 0, 0);
    const state = viewReducer(initialViewState({ title: 'kafka-broker-isolate', startedAt: T0 }), {
      type: 'sample',
      sample: {
        at: T0 + 1000,
        values: {},
        faults: [],
        kafka: {
          brokers: [
            { broker: '1', up: true, leaders: 12, underReplicated: 3, activeController: true },
            { broker: '2', up: true, leaders: 11, underReplicated: 0, activeController: false },
            { broker: '3', up: false, activeController: false },
          ],
          offlinePartitions: 0,
        },
      },
    });
    expect(progressLine(state)).toMatch(
      / \| brokers 1:12 led \(controller\) 2:11 led 3:down, under-replicated 3, offline 0$/,
    );
  });

  it('when one broker runs, then the line has no brokers part', () => {
    const T0 = Date.UTC(2026, 10, 25, 20, 0, 0);
    const state = viewReducer(initialViewState({ title: 'smoke', startedAt: T0 }), {
      type: 'sample',
      sample: {
        at: T0 + 1000,
        values: {},
        faults: [],
        kafka: {
          brokers: [{ broker: '1', up: true, leaders: 23, underReplicated: 0, activeController: true }],
        },
      },
    });
    expect(progressLine(state)).not.toContain('brokers');
  });
});
