import { describe, expect, it } from 'vitest';
import type { Sample } from '../../chaos/recovery/recovery.ts';
import { bandsFromWarmUp, capacityOf, recoveriesOf } from './analysis.ts';

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
