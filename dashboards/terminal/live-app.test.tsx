import { EventEmitter } from 'node:events';
import { render as inkRender } from 'ink';
import { render } from 'ink-testing-library';
import { stripVTControlCharacters } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createActionBus } from './event-bus.ts';
import { LiveApp } from './live-app.tsx';
import { SLIS } from '../../observability/slis/index.ts';
import { LiveDashboard, OtherSlisPanel } from './panels.tsx';
import type { Sample } from './sampler.ts';
import { initialViewState, viewReducer, type ViewAction, type ViewState } from './state.ts';

const T0 = Date.UTC(2026, 10, 25, 20, 0, 0);
const URL = 'http://127.0.0.1:19090';

function sample(at: number, overrides: Sample['values'] = {}, counters: Sample['counters'] = {}): ViewAction {
  return {
    type: 'sample',
    sample: {
      at,
      values: {
        accepted_rate: 49.84,
        completed_rate: 48.1,
        failed_rate: 1.2,
        accept_error_rate: 0.004,
        accept_p95_latency: 0.048,
        latency_p50: 0.012,
        latency_p99: 0.12,
        outbox_lag: 0.4,
        outbox_pending: 3,
        consumer_lag: 12,
        completion_rate: 49.3,
        ...overrides,
      },
      faults: [],
      counters,
    },
  };
}

/** A scenario a minute in: warm-up, one fault healed and measured, one fault active. */
function busyState(): ViewState {
  const actions: ViewAction[] = [
    { type: 'phase', at: T0, phase: 'load' },
    // Counters left high by an earlier run (7 double captures) must not count; 4 new duplicates must.
    ...Array.from({ length: 30 }, (_, i) =>
      sample(
        T0 + i * 1000,
        { accepted_rate: 40 + (i % 10) },
        { double_captures: { '': 7 }, duplicates_absorbed: { 'instance=w0': 100 + (i >= 20 ? 4 : 0) } },
      ),
    ),
    {
      type: 'load-progress',
      at: T0 + 30_000,
      elapsedSeconds: 30,
      totalSeconds: 60,
      targetRate: 50,
      achievedRate: 49.8,
      vus: 12,
      vusAllocated: 16,
      droppedIterations: 0,
    },
    {
      type: 'fault-started',
      at: T0 + 10_000,
      faultId: 'f1',
      label: 'db latency 500ms',
      target: 'db',
      kind: 'latency',
    },
    { type: 'fault-ended', at: T0 + 15_000, faultId: 'f1' },
    { type: 'recovery-measured', at: T0 + 22_000, faultId: 'f1', seconds: 5.5 },
    {
      type: 'fault-started',
      at: T0 + 25_000,
      faultId: 'f2',
      label: 'pg-mock 5xx 30%',
      target: 'pg-mock',
      kind: '5xx',
    },
    { type: 'invariant-counts', at: T0 + 30_000, stuck: 0, lost: 0 },
  ];
  return actions.reduce(
    viewReducer,
    initialViewState({ title: 'pg-5xx-burst', startedAt: T0, totalSeconds: 60 }),
  );
}

function lines(frame: string | undefined): string[] {
  return stripVTControlCharacters(frame ?? '').split('\n');
}

afterEach(() => {
  vi.useRealTimers();
});

describe('LiveDashboard', () => {
  it('when a run is busy, then every number the issue asks for is on screen within 80 columns', () => {
    const { lastFrame } = render(<LiveDashboard state={busyState()} width={80} prometheusUrl={URL} />);
    const text = lines(lastFrame());
    const frame = text.join('\n');
    for (const expected of [
      'paylab · pg-5xx-burst',
      'target 50.0/s · achieved 49.8/s · VUs 12/16 · dropped 0',
      'accepted',
      'completed    48.1/s',
      'failed       1.2/s',
      'accept p95   48ms',
      'p50 12ms · p99 120ms · errors 0.4%',
      'outbox lag   400ms',
      'outbox rows  3',
      'consumer lag 12',
      'double charges 0',
      'stuck 0',
      'lost 0',
      'dups absorbed 4',
      '● pg-mock 5xx 30% 5.0s',
      '✓ db latency 500ms recovered in 5.5s',
      '20:00:10 fault started: db latency 500ms',
      '20:00:22 recovered in 5.5s: db latency 500ms',
    ]) {
      expect(frame).toContain(expected);
    }
    expect(frame).toMatch(/[▁▂▃▄▅▆▇█]{20,}/);
    for (const line of text) expect([...line].length).toBeLessThanOrEqual(80);
  });

  it('when the terminal is narrow, then sparklines go and the numbers still fit', () => {
    const { lastFrame } = render(<LiveDashboard state={busyState()} width={40} prometheusUrl={URL} />);
    const text = lines(lastFrame());
    const live = text.slice(text.findIndex((l) => l.startsWith('paylab')));
    for (const line of live) expect([...line].length).toBeLessThanOrEqual(40);
    const frame = live.join('\n');
    expect(frame).not.toMatch(/[▁▂▃▄▅▆▇]/);
    expect(frame).toContain('accepted');
    expect(frame).toContain('48ms');
    expect(frame).toContain('double charges 0');
  });

  it('when no sample has arrived yet, then it says what it waits for and shows no numbers', () => {
    const state = initialViewState({ title: 'live', startedAt: T0 });
    const frame = stripVTControlCharacters(
      render(<LiveDashboard state={state} width={80} prometheusUrl={URL} />).lastFrame() ?? '',
    );
    expect(frame).toContain(`waiting for Prometheus at ${URL}`);
    expect(frame).toMatch(/accepted\s+–/);
    expect(frame).toMatch(/double charges –/);
    expect(frame).toContain('none active');
  });

  it('when a recovery was measured, then its timer stays frozen as time passes; a running one moves', () => {
    const measured = busyState();
    const withRunning = [
      { type: 'fault-ended', at: T0 + 40_000, faultId: 'f2' } as ViewAction,
      { type: 'tick', at: T0 + 47_000 } as ViewAction,
    ].reduce(viewReducer, measured);
    const later = viewReducer(withRunning, { type: 'tick', at: T0 + 300_000 });
    const { lastFrame, rerender } = render(
      <LiveDashboard state={withRunning} width={80} prometheusUrl={URL} />,
    );
    expect(lastFrame()).toContain('recovered in 5.5s');
    expect(lastFrame()).toContain('↻ pg-mock 5xx 30% 7.0s and counting');
    rerender(<LiveDashboard state={later} width={80} prometheusUrl={URL} />);
    expect(lastFrame()).toContain('recovered in 5.5s');
    expect(lastFrame()).toContain('↻ pg-mock 5xx 30% 4m20s and counting');
  });

  it('when Prometheus fails, then the footer says why', () => {
    const state = viewReducer(initialViewState({ title: 't', startedAt: T0 }), {
      type: 'sample',
      sample: { at: T0, values: {}, faults: [], error: 'Prometheus at x is not reachable' },
    });
    expect(render(<LiveDashboard state={state} width={80} prometheusUrl={URL} />).lastFrame()).toContain(
      'Prometheus at x is not reachable',
    );
  });
});

describe('LiveApp', () => {
  it('when samples and runner events arrive, then the frame shows them; q calls onQuit once and shows that the run is stopping', async () => {
    const bus = createActionBus();
    const onQuit = vi.fn();
    const sampler = vi.fn(async () => (sample(Date.now()) as { sample: Sample }).sample);
    const { lastFrame, stdin, unmount } = render(
      <LiveApp
        prometheusUrl={URL}
        title="smoke"
        events={bus}
        onQuit={onQuit}
        width={80}
        sampler={sampler}
        sampleIntervalMs={20}
      />,
    );
    bus.push({
      type: 'fault-started',
      at: Date.now(),
      faultId: 'f',
      label: 'redis down',
      target: 'redis',
      kind: 'down',
    });
    await vi.waitFor(() => {
      expect(lastFrame()).toContain('49.8/s');
      expect(lastFrame()).toContain('● redis down');
    });
    expect(sampler).toHaveBeenCalledWith(URL, expect.any(AbortSignal));
    stdin.write('q');
    await vi.waitFor(() => expect(lastFrame()).toContain('stopping… (q pressed)'));
    stdin.write('q');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(onQuit).toHaveBeenCalledTimes(1);
    unmount();
  });

  it('when the terminal is resized, then the dashboard reflows to the new width', async () => {
    // A terminal whose size can change, as a real TTY's does (ink-testing-library pins 100 columns).
    class ResizableTerminal extends EventEmitter {
      columns = 100;
      rows = 40;
      lastFrame = '';
      write = (frame: string) => {
        this.lastFrame = frame;
        return true;
      };
    }
    const terminal = new ResizableTerminal();
    const widest = () =>
      Math.max(
        ...stripVTControlCharacters(terminal.lastFrame)
          .split('\n')
          .map((l) => l.length),
      );
    const sampler = vi.fn(async () => (sample(Date.now()) as { sample: Sample }).sample);
    const app = inkRender(
      <LiveApp prometheusUrl={URL} title="smoke" sampler={sampler} sampleIntervalMs={60_000} />,
      {
        stdout: terminal as unknown as NodeJS.WriteStream,
        debug: true,
        patchConsole: false,
      },
    );
    await vi.waitFor(() => expect(widest()).toBeGreaterThan(80));
    terminal.columns = 60;
    terminal.emit('resize');
    // At once, not at the next clock tick (1 s).
    await vi.waitFor(() => expect(widest()).toBeLessThanOrEqual(60), { timeout: 300 });
    app.unmount();
  });
});

describe('OtherSlisPanel', () => {
  it('when an SLI file is added, then the view shows it from its definition, formatted in its unit', () => {
    const state = busyState();
    // A made-up SLI as a new file would declare it; the view has no hand-laid row for it.
    const stateWithValue = {
      ...state,
      latest: { ...state.latest, dlt_share: 0.025 } as ViewState['latest'],
    };
    const { lastFrame } = render(
      <OtherSlisPanel
        state={stateWithValue}
        width={80}
        definitions={[...SLIS, { id: 'dlt_share', liveLabel: 'dead-letters', unit: 'ratio' }]}
      />,
    );
    expect(stripVTControlCharacters(lastFrame() ?? '')).toMatch(/^dead-letters\s+2\.5%/);
  });

  it('when every SLI has a hand-laid row, then it adds nothing', () => {
    const { lastFrame } = render(<OtherSlisPanel state={busyState()} width={80} />);
    expect(lastFrame()).toBe('');
  });
});

describe('BrokersPanel', () => {
  const up = (broker: string, value = 1) => ({ broker, up: value === 1 });
  /** Three samples of a cluster whose broker 3 lost its followers, then went down. */
  function clusterState(kafka: NonNullable<Sample['kafka']>, shrinks: number[]): ViewState {
    const actions: ViewAction[] = shrinks.map((count, i) => ({
      type: 'sample',
      sample: {
        at: T0 + i * 1000,
        values: {},
        faults: [],
        counters: { isr_shrinks: { 'broker=3': count }, isr_expands: { 'broker=3': 0 } },
        kafka,
      },
    }));
    return actions.reduce(viewReducer, initialViewState({ title: 'kafka-broker-isolate', startedAt: T0 }));
  }

  it('when the cluster runs, then each broker shows its leaders, the active controller and what is under-replicated', () => {
    const state = clusterState(
      {
        brokers: [
          { ...up('1'), leaders: 8, underReplicated: 0, activeController: false },
          { ...up('2'), leaders: 7, underReplicated: 0, activeController: true },
          { ...up('3'), leaders: 8, underReplicated: 5, activeController: false },
        ],
        offlinePartitions: 0,
      },
      [10, 12, 13],
    );
    const text = lines(render(<LiveDashboard state={state} width={80} prometheusUrl={URL} />).lastFrame());
    const row = text.find((l) => l.startsWith('brokers'));
    expect(row).toMatch(/^brokers\s+1 8 led\s+2 ctl 7 led\s+3 8 led 5 under-repl\./);
    // Shrinks since the view started (10 → 13), not the broker's lifetime count.
    expect(text).toContain('             under-replicated 5 · offline 0 · ISR shrinks 3 · expands 0');
    for (const line of text) expect([...line].length).toBeLessThanOrEqual(80);
  });

  it('when a broker is down, then its row says so instead of stale numbers', () => {
    const state = clusterState(
      {
        brokers: [
          { ...up('1'), leaders: 12, underReplicated: 12, activeController: true },
          { ...up('2'), leaders: 11, underReplicated: 11, activeController: false },
          { ...up('3', 0), activeController: false },
        ],
        offlinePartitions: 0,
      },
      [0, 0],
    );
    const frame = lines(render(<LiveDashboard state={state} width={80} prometheusUrl={URL} />).lastFrame());
    expect(frame.find((l) => l.startsWith('brokers'))).toMatch(/3 down$/);
    expect(frame.join('\n')).toContain('under-replicated 23 · offline 0');
  });

  it('when one broker runs (the default), then there is no brokers row', () => {
    const state = clusterState(
      {
        brokers: [{ ...up('1'), leaders: 23, underReplicated: 0, activeController: true }],
        offlinePartitions: 0,
      },
      [0],
    );
    const frame = render(<LiveDashboard state={state} width={80} prometheusUrl={URL} />).lastFrame() ?? '';
    expect(frame).not.toContain('brokers');
    expect(frame).not.toContain('under-replicated');
  });

  it('when the terminal is narrow, then the brokers rows still fit', () => {
    const state = clusterState(
      {
        brokers: [
          { ...up('1'), leaders: 8, underReplicated: 3, activeController: true },
          { ...up('2'), leaders: 7, underReplicated: 2, activeController: false },
          { ...up('3', 0), activeController: false },
        ],
        offlinePartitions: 2,
      },
      [0, 1],
    );
    const text = lines(render(<LiveDashboard state={state} width={40} prometheusUrl={URL} />).lastFrame());
    for (const line of text) expect([...line].length).toBeLessThanOrEqual(40);
    expect(text.join('\n')).toContain('3 down');
  });
});
