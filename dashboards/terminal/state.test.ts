import { describe, expect, it } from 'vitest';
import type { Sample } from './sampler.ts';
import {
  HISTORY_LENGTH,
  initialViewState,
  otherSliRows,
  RECOVERY_STREAK,
  recoveryTimerSeconds,
  trackCounter,
  viewReducer,
  type ViewAction,
  type ViewState,
} from './state.ts';

const T0 = 1_700_000_000_000;

function healthy(at: number, overrides: Sample['values'] = {}): ViewAction {
  return {
    type: 'sample',
    sample: {
      at,
      values: {
        accept_error_rate: 0,
        accept_p95_latency: 0.02,
        outbox_lag: 0.2,
        consumer_lag: 2,
        completion_rate: 50,
        accepted_rate: 50,
        ...overrides,
      },
      faults: [],
    },
  };
}

function run(
  actions: ViewAction[],
  state: ViewState = initialViewState({ title: 't', startedAt: T0 }),
): ViewState {
  return actions.reduce(viewReducer, state);
}

const limits = {
  accept_error_rate: 0.01,
  accept_p95_latency: 0.1,
  outbox_lag: 1,
  consumer_lag: 10,
  completion_rate: 25,
};

describe('trackCounter', () => {
  it('counts increases since the first reading, across a process restart and a series that appears later', () => {
    let track = trackCounter(undefined, { a: 10 });
    expect(track.total).toBe(0); // the baseline: an earlier run's count is not this run's
    track = trackCounter(track, { a: 12 });
    track = trackCounter(track, { a: 1 }); // reset: the restarted process counted 1 since
    track = trackCounter(track, { a: 1, b: 2 }); // a new process appeared with 2
    expect(track.total).toBe(2 + 1 + 2);
  });
});

describe('viewReducer', () => {
  it('when samples arrive, then sparkline history grows and is capped', () => {
    const actions = Array.from({ length: HISTORY_LENGTH + 5 }, (_, i) =>
      healthy(T0 + i * 1000, { accepted_rate: i }),
    );
    const state = run(actions);
    expect(state.history.accepted_rate).toHaveLength(HISTORY_LENGTH);
    expect(state.history.accepted_rate.at(-1)).toBe(HISTORY_LENGTH + 4);
    expect(state.latest.accepted_rate).toBe(HISTORY_LENGTH + 4);
    expect(state.sampleCount).toBe(HISTORY_LENGTH + 5);
  });

  it('when a query failed, then the error is kept until a clean sample arrives', () => {
    const failed: ViewAction = {
      type: 'sample',
      sample: { at: T0, values: {}, faults: [], error: 'not reachable' },
    };
    const state = run([failed]);
    expect(state.prometheusError).toBe('not reachable');
    expect(run([failed, healthy(T0 + 1000)]).prometheusError).toBeUndefined();
  });

  it('when a fault ends, then its recovery timer runs until the runner measures it, then freezes', () => {
    const state = run([
      { type: 'fault-started', at: T0, faultId: 'f1', label: 'db down', target: 'db', kind: 'down' },
      { type: 'fault-ended', at: T0 + 10_000, faultId: 'f1' },
      { type: 'tick', at: T0 + 14_000 },
    ]);
    const timer = state.recoveries[0];
    expect(timer?.status).toBe('running');
    expect(timer && recoveryTimerSeconds(timer, state.now)).toBe(4);

    const measured = run(
      [
        { type: 'recovery-measured', at: T0 + 16_000, faultId: 'f1', seconds: 5.5 },
        { type: 'tick', at: T0 + 60_000 },
      ],
      state,
    );
    const frozen = measured.recoveries[0];
    expect(frozen).toMatchObject({ status: 'recovered', seconds: 5.5, source: 'measured' });
    expect(frozen && recoveryTimerSeconds(frozen, measured.now)).toBe(5.5);
    expect(measured.log.map((l) => l.text)).toEqual([
      'fault started: db down',
      'fault removed after 10.0s: db down',
      'recovered in 5.5s: db down',
    ]);
  });

  it('when the runner says a fault did not recover, then the timer says so', () => {
    const state = run([
      { type: 'fault-started', at: T0, faultId: 'f1', label: 'kafka down', target: 'kafka', kind: 'down' },
      { type: 'fault-ended', at: T0 + 1000, faultId: 'f1' },
      { type: 'recovery-measured', at: T0 + 9000, faultId: 'f1', seconds: null },
    ]);
    expect(state.recoveries[0]?.status).toBe('not-recovered');
    expect(state.log.at(-1)?.tone).toBe('bad');
  });

  it('when SLIs stay in the measured band for several samples, then the view freezes at the first in-band sample', () => {
    const start: ViewAction[] = [
      { type: 'steady-band', at: T0, limits },
      {
        type: 'fault-started',
        at: T0,
        faultId: 'f1',
        label: 'pg latency',
        target: 'pg-mock',
        kind: 'latency',
      },
      { type: 'fault-ended', at: T0 + 5000, faultId: 'f1' },
      healthy(T0 + 6000, { outbox_lag: 9 }), // still lagging
      healthy(T0 + 7000), // first in band
    ];
    const streak = Array.from({ length: RECOVERY_STREAK - 1 }, (_, i) => healthy(T0 + 8000 + i * 1000));
    const state = run([...start, ...streak, healthy(T0 + 30_000)]);
    expect(state.recoveries[0]).toMatchObject({ status: 'recovered', seconds: 2, source: 'observed' });
  });

  it('when an in-band streak is broken, then it starts again', () => {
    const state = run([
      { type: 'steady-band', at: T0, limits },
      { type: 'fault-started', at: T0, faultId: 'f1', label: 'x', target: 'db', kind: 'latency' },
      { type: 'fault-ended', at: T0 + 1000, faultId: 'f1' },
      healthy(T0 + 2000),
      healthy(T0 + 3000, { consumer_lag: 500 }),
      healthy(T0 + 4000),
      healthy(T0 + 5000),
    ]);
    expect(state.recoveries[0]).toMatchObject({ status: 'running', streak: 2, firstInBandAt: T0 + 4000 });
  });

  it('when a completion-rate SLI drops below its band, then the fault has not recovered', () => {
    const state = run([
      { type: 'steady-band', at: T0, limits },
      { type: 'fault-started', at: T0, faultId: 'f1', label: 'x', target: 'db', kind: 'latency' },
      { type: 'fault-ended', at: T0 + 1000, faultId: 'f1' },
      ...[2, 3, 4, 5].map((s) => healthy(T0 + s * 1000, { completion_rate: 3 })),
    ]);
    expect(state.recoveries[0]?.status).toBe('running');
  });

  it('when the load has ended, then only the lags decide recovery', () => {
    const afterLoad = (at: number): ViewAction => ({
      type: 'sample',
      sample: { at, values: { outbox_lag: 0.3, consumer_lag: 1, completion_rate: 0 }, faults: [] },
    });
    const state = run([
      { type: 'steady-band', at: T0, limits },
      { type: 'fault-started', at: T0, faultId: 'f1', label: 'x', target: 'kafka', kind: 'down' },
      { type: 'fault-ended', at: T0 + 1000, faultId: 'f1' },
      {
        type: 'load-progress',
        at: T0 + 1000,
        elapsedSeconds: 60,
        totalSeconds: 60,
        targetRate: 50,
        achievedRate: 0,
        vus: 0,
        vusAllocated: 4,
        droppedIterations: 0,
      },
      ...Array.from({ length: RECOVERY_STREAK }, (_, i) => afterLoad(T0 + 3000 + i * 1000)),
    ]);
    expect(state.recoveries[0]).toMatchObject({ status: 'recovered', seconds: 2 });
  });

  it('when the lab runs standalone, then faults come from the gauge and a band is estimated from the warm-up', () => {
    const warmup = [1, 2, 3, 4, 5, 6].map((s) => healthy(T0 + s * 1000));
    const withFault = (at: number): ViewAction => ({
      type: 'sample',
      sample: {
        ...(healthy(at) as { sample: Sample }).sample,
        values: { outbox_lag: 30 },
        faults: [{ target: 'kafka', kind: 'down' }],
      },
    });
    const state = run([
      ...warmup,
      withFault(T0 + 7000),
      withFault(T0 + 8000),
      healthy(T0 + 9000, { outbox_lag: 20 }),
    ]);
    expect(state.bandSource).toBe('estimated');
    // chaos/recovery's rule: a calm warm-up gets the absolute floor of 1 s above its mean.
    expect(state.limits.outbox_lag).toBeCloseTo(0.2 + 1);
    expect(state.activeFaults).toEqual([]);
    expect(state.recoveries[0]).toMatchObject({
      faultId: 'kafka/down',
      endedAt: T0 + 9000,
      status: 'running',
    });
    expect(state.log.map((l) => l.tone)).toEqual(['fault', 'heal']);
  });

  it('when the active-faults query fails, then gauge faults stay active', () => {
    const withFault: ViewAction = {
      type: 'sample',
      sample: { at: T0, values: {}, faults: [{ target: 'db', kind: 'down' }] },
    };
    const failed: ViewAction = { type: 'sample', sample: { at: T0 + 1000, values: {}, error: 'timeout' } };
    const state = run([withFault, failed]);
    expect(state.activeFaults.map((f) => f.faultId)).toEqual(['db/down']);
    expect(state.recoveries).toEqual([]);
  });

  it('when the runner reports faults, then gauge series no longer start faults of their own', () => {
    const state = run([
      { type: 'fault-started', at: T0, faultId: 'run-1', label: 'redis down', target: 'redis', kind: 'down' },
      { type: 'sample', sample: { at: T0 + 1000, values: {}, faults: [{ target: 'redis', kind: 'down' }] } },
    ]);
    expect(state.activeFaults.map((f) => f.faultId)).toEqual(['run-1']);
  });

  it('when load progress and invariant counts arrive, then the latest are kept', () => {
    const state = run([
      {
        type: 'load-progress',
        at: T0,
        elapsedSeconds: 10,
        totalSeconds: 60,
        targetRate: 50,
        achievedRate: 48,
        vus: 7,
        vusAllocated: 9,
        droppedIterations: 3,
      },
      { type: 'invariant-counts', at: T0, stuck: 0, lost: 1 },
    ]);
    expect(state.load).toEqual({
      type: 'load-progress',
      elapsedSeconds: 10,
      totalSeconds: 60,
      targetRate: 50,
      achievedRate: 48,
      vus: 7,
      vusAllocated: 9,
      droppedIterations: 3,
    });
    expect(state.invariants).toEqual({ stuck: 0, lost: 1 });
  });

  it('when k6 has exited, then the load shows as complete through drain, collect and report', () => {
    const state = run([
      {
        type: 'load-progress',
        at: T0,
        elapsedSeconds: 18,
        totalSeconds: 20,
        targetRate: 10,
        achievedRate: 9.9,
        vus: 1,
        vusAllocated: 8,
        droppedIterations: 0,
      },
      { type: 'load-finished', at: T0 + 2500, elapsedSeconds: 20.4 },
      { type: 'phase', at: T0 + 3000, phase: 'drain' },
    ]);
    expect(state.load).toMatchObject({ elapsedSeconds: 20, totalSeconds: 20, achievedRate: 0 });
  });
});

describe('otherSliRows', () => {
  it('gives a row to every SLI no hand-laid panel shows, with its label, unit and history', () => {
    let state = initialViewState({ title: 't', startedAt: 0 });
    expect(otherSliRows(state)).toEqual([]);
    state = { ...state, latest: { ...state.latest, dlt_share: 0.5 } as typeof state.latest };
    const rows = otherSliRows(state, [
      { id: 'outbox_lag', liveLabel: 'outbox lag', unit: 'seconds' },
      { id: 'dlt_share', liveLabel: 'dead-letters', unit: 'ratio' },
    ]);
    expect(rows).toEqual([{ id: 'dlt_share', label: 'dead-letters', unit: 'ratio', value: 0.5, points: [] }]);
  });
});
