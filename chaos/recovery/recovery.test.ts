import { describe, expect, it } from 'vitest';
import { acceptP95Latency } from '../../observability/slis/accept-p95-latency.ts';
import { completionRate } from '../../observability/slis/completion-rate.ts';
import { consumerLag } from '../../observability/slis/consumer-lag.ts';
import { combineRecoveries, observabilityOf, sliRecovery, steadyBand, type Sample } from './recovery.ts';

const T0 = 1_700_000_000_000;
// The real definitions: their floors and after-load rules are what these tests pin.
const lag = consumerLag;
const latency = acceptP95Latency;
const completion = completionRate;

function series(values: readonly (number | null)[], start = T0): Sample[] {
  return values.map((v, i) => ({ t: start + i * 1000, v }));
}

const warm = series([10, 12, 11, 9, 10, 11, 10, 12, 9, 10]);

describe('steady-state band', () => {
  it('when the warm-up is calm, then the floors widen the band', () => {
    const band = steadyBand(lag, series([0, 0, 0, 0, 0, 0]))!;
    expect(band.limit).toBe(20);
  });
  it('when the warm-up varies, then mean + 3 stddev bounds the bad side', () => {
    const band = steadyBand(latency, series([0.1, 0.3, 0.1, 0.3, 0.1, 0.3]))!;
    expect(band.limit).toBeCloseTo(0.2 + 3 * 0.1, 6);
  });
  it('when the warm-up has too few samples, then there is no band', () => {
    expect(steadyBand(lag, series([1, 2, null, null]))).toBeNull();
  });
  it('for a completion rate, then the band is a lower limit', () => {
    const band = steadyBand(completion, series([10, 10, 10, 10, 10]))!;
    expect(band.limit).toBeCloseTo(7, 6);
  });
});

describe('recovery time of one SLI', () => {
  const band = steadyBand(lag, warm)!;
  const faultEnd = T0 + 100_000;
  const judged = { unobservableFrom: null, afterwards: 'in-band' } as const;
  const window = { faultEnd, deadline: faultEnd + 60_000, observability: judged, consecutive: 5 };

  it('when the lag drains 4 s after the fault, then recovery is 4 s', () => {
    const r = sliRecovery(band, series([500, 300, 120, 40, 10, 10, 11, 9, 10, 10], faultEnd), window);
    expect(r).toEqual({ status: 'recovered', seconds: 4, at: faultEnd + 4000 });
  });
  it('when the lag never drains before the deadline, then it did not recover', () => {
    const r = sliRecovery(
      band,
      series(
        Array.from({ length: 61 }, () => 900),
        faultEnd,
      ),
      window,
    );
    expect(r.status).toBe('not-recovered');
  });
  it('when it flaps back into band for fewer samples than required, then the later stable streak counts', () => {
    const r = sliRecovery(band, series([500, 10, 10, 10, 400, 10, 10, 10, 10, 10, 10], faultEnd), window);
    expect(r).toMatchObject({ status: 'recovered', seconds: 5 });
  });
  it('when the streak is cut by the deadline, then it did not recover', () => {
    const r = sliRecovery(band, series([500, 500, 10, 10], faultEnd), {
      ...window,
      deadline: faultEnd + 3000,
    });
    expect(r.status).toBe('not-recovered');
  });
  it('when a latency has no value during the load (no answers), then that sample is out of band', () => {
    const b = steadyBand(latency, series([0.01, 0.01, 0.01, 0.01, 0.01]))!;
    const r = sliRecovery(b, series([null, null, 0.01, 0.01, 0.01, 0.01, 0.01], faultEnd), window);
    expect(r).toMatchObject({ status: 'recovered', seconds: 2 });
  });
  it('when every payment has settled, then a zero completion rate is no longer out of band', () => {
    const b = steadyBand(completion, series([10, 10, 10, 10, 10]))!;
    const w = { ...window, observability: observabilityOf(completion, faultEnd, faultEnd + 1000) };
    expect(sliRecovery(b, series([0, 0, 0, 0, 0, 0, 0], faultEnd), w)).toMatchObject({
      status: 'recovered',
      seconds: 1,
    });
  });
  it('when payments never settle, then a zero completion rate never recovers', () => {
    const b = steadyBand(completion, series([10, 10, 10, 10, 10]))!;
    const w = { ...window, observability: observabilityOf(completion, faultEnd, null) };
    expect(sliRecovery(b, series([0, 0, 0, 0, 0, 0, 0], faultEnd), w).status).toBe('not-recovered');
  });
  it('when the load ends while latency is still out of band, then recovery is unknown, not a pass', () => {
    const b = steadyBand(latency, series([0.01, 0.01, 0.01, 0.01, 0.01]))!;
    const w = { ...window, observability: observabilityOf(latency, faultEnd + 3000, null) };
    expect(sliRecovery(b, series([0.9, 0.9, 0.9, null, null, null, null, null], faultEnd), w).status).toBe(
      'unknown',
    );
  });
  it('when latency is back in band as the load ends, then the streak in progress counts', () => {
    const b = steadyBand(latency, series([0.01, 0.01, 0.01, 0.01, 0.01]))!;
    const w = { ...window, observability: observabilityOf(latency, faultEnd + 3000, null) };
    expect(sliRecovery(b, series([0.9, 0.01, 0.01, null, null, null], faultEnd), w)).toMatchObject({
      status: 'recovered',
      seconds: 1,
    });
  });
  it('lags are judged after the load too', () => {
    const w = { ...window, observability: observabilityOf(lag, faultEnd + 1000, faultEnd + 1000) };
    expect(sliRecovery(band, series([900, 900, 900, 900, 900, 900, 900], faultEnd), w).status).toBe(
      'not-recovered',
    );
  });
  it('without a band, then the answer is unknown', () => {
    expect(sliRecovery(null, series([1]), window).status).toBe('unknown');
  });
});

describe('recovery of a fault over all SLIs', () => {
  it('when every SLI recovered, then the slowest one sets the time', () => {
    const r = combineRecoveries({
      consumer_lag: { status: 'recovered', seconds: 7, at: 0 },
      outbox_lag: { status: 'recovered', seconds: 2, at: 0 },
    });
    expect(r).toMatchObject({ status: 'recovered', seconds: 7 });
  });
  it('when one SLI did not recover, then the fault did not, even if another is unknown', () => {
    const r = combineRecoveries({
      consumer_lag: { status: 'not-recovered', lastOutOfBand: 1, reason: 'x' },
      outbox_lag: { status: 'unknown', reason: 'y' },
    });
    expect(r.status).toBe('not-recovered');
  });
});
