import { describe, expect, it } from 'vitest';
import type { Sample } from '../../chaos/recovery/recovery.ts';
import { bandsFromWarmUp, capacityOf, drainMayStop, recoveriesOf } from './analysis.ts';

const T0 = 1_700_000_000_000;
function series(values: readonly (number | null)[]): Sample[] {
  return values.map((v, i) => ({ t: T0 + i * 1000, v }));
}

describe('capacity', () => {
  it('when latency breaks its bound at 40/s, then the sustained rate is the best stable rate before it', () => {
    const rates = series([10, 10, 10, 10, 10, 20, 20, 20, 20, 20, 40, 40, 40, 40, 40]);
    const p95 = series([0.05, 0.05, 0.05, 0.05, 0.05, 0.08, 0.08, 0.08, 0.08, 0.08, 0.9, 0.9, 0.9, 0.9, 0.9]);
    const zero = series(Array.from({ length: 15 }, () => 0));
    const r = capacityOf(
      { maxP95Seconds: 0.5, maxOutboxLagSeconds: 2, maxConsumerLag: 100 },
      rates,
      p95,
      zero,
      zero,
      T0,
      T0 + 15_000,
    );
    expect(r.sustainedRate).toBe(20);
    expect(r.firstBreach).toBe(T0 + 10_000);
  });
  it('when no five samples in a row stay in bounds, then there is no sustained rate', () => {
    const rates = series([10, 10, 10, 10]);
    const p95 = series([0.01, 0.01, 0.01, 0.01]);
    const r = capacityOf(
      { maxP95Seconds: 0.5, maxOutboxLagSeconds: 2, maxConsumerLag: 100 },
      rates,
      p95,
      [],
      [],
      T0,
      T0 + 4000,
    );
    expect(r.sustainedRate).toBeNull();
  });
});

describe('recoveries over recorded windows', () => {
  it('measures each window against the warm-up band and leaves an unended window unknown', () => {
    const lag = series([...Array.from({ length: 30 }, () => 0), 500, 400, 100, 0, 0, 0, 0, 0, 0, 0]);
    const bands = bandsFromWarmUp({ consumer_lag: lag }, T0, 25);
    expect(bands.consumer_lag?.samples).toBe(16);
    const r = recoveriesOf(
      [
        { id: 'f1', label: 'x', target: 'kafka', kind: 'link:down', start: T0 + 28_000, end: T0 + 30_000 },
        { id: 'f2', label: 'y', target: 'kafka', kind: 'link:down', start: T0 + 29_000, end: null },
      ],
      { consumer_lag: lag },
      bands,
      T0 + 60_000,
      T0 + 39_000,
      T0 + 35_000,
    );
    expect(r[0]?.recovery.perSli.consumer_lag).toMatchObject({ status: 'recovered', seconds: 3 });
    expect(r[1]?.recovery.status).toBe('unknown');
  });
});

describe('when the drain may stop', () => {
  const lagAfterFault = (tail: number[]) =>
    series([...Array.from({ length: 30 }, () => 0), 900, 800, 700, ...tail]);
  const window = {
    id: 'f1',
    label: 'x',
    target: 'kafka',
    kind: 'link:down',
    start: T0 + 25_000,
    end: T0 + 30_000,
  };
  const judge = (lag: Sample[], observedUntil: number) =>
    recoveriesOf(
      [window],
      { consumer_lag: lag },
      bandsFromWarmUp({ consumer_lag: lag }, T0, 25),
      T0 + 30_000,
      observedUntil,
      T0 + 31_000,
    );

  it('keeps watching a fault whose SLI is still out of band, though every payment settled', () => {
    const lag = lagAfterFault([600, 500]);
    const until = T0 + 34_000;
    expect(judge(lag, until)[0]?.recovery.status).toBe('not-recovered');
    expect(drainMayStop(until, true, T0 + 32_000, judge(lag, until))).toBe(false);
  });

  it('stops once the SLI is back in its band for the needed samples', () => {
    const lag = lagAfterFault([0, 0, 0, 0, 0, 0]);
    const until = T0 + 38_000;
    expect(judge(lag, until)[0]?.recovery.perSli.consumer_lag?.status).toBe('recovered');
    expect(drainMayStop(until, true, T0 + 32_000, judge(lag, until))).toBe(true);
  });

  it('never stops before payments settle or before the minimum observation time', () => {
    const lag = lagAfterFault([0, 0, 0, 0, 0, 0]);
    const until = T0 + 38_000;
    expect(drainMayStop(until, false, T0 + 32_000, judge(lag, until))).toBe(false);
    expect(drainMayStop(until, true, T0 + 40_000, judge(lag, until))).toBe(false);
    expect(drainMayStop(until, true, T0 + 32_000, [])).toBe(true);
  });
});
