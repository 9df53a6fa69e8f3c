/**
 * What every SLI file must say, checked over the list: the consumers (live view, recovery,
 * report, Grafana, rules) rely on each of these without checking again.
 */
import { describe, expect, it } from 'vitest';
import { observabilityOf, steadyBand } from './band.ts';
import { RELATED_QUERIES, SLI_CHARTS, SLIS } from './index.ts';

describe('the SLI list', () => {
  it('ids, recording-rule names, related ids and chart ids are unique', () => {
    const unique = (xs: readonly string[]) => expect(new Set(xs).size).toBe(xs.length);
    unique(SLIS.map((s) => s.id));
    unique(SLIS.map((s) => s.record));
    unique([...SLIS.map((s) => s.id), ...RELATED_QUERIES.map((q) => q.id)]);
    unique(SLI_CHARTS.map((c) => c.id));
  });

  for (const s of SLIS) {
    describe(s.id, () => {
      it('its first chart draws the SLI itself, so report.html shows what recovery was judged on', () => {
        expect(s.charts[0]?.series.map((x) => x.promql)).toContain(s.promql);
      });
      it('its recording rule is a level-2 name (level:metric:operations) and its live label fits the view', () => {
        expect(s.record).toMatch(/^paylab:[a-z0-9_]+:[a-z0-9_]+$/);
        expect(s.liveLabel.length).toBeGreaterThan(0);
        expect(s.liveLabel.length).toBeLessThanOrEqual(12);
      });
      it('its floor widens a perfectly calm warm-up band on the bad side, never past zero', () => {
        expect(s.floor.absolute).toBeGreaterThanOrEqual(0);
        expect(s.floor.relative).toBeGreaterThan(0);
        const calm = [1, 1, 1, 1, 1, 1].map((v, i) => ({ t: i * 1000, v }));
        const band = steadyBand(s, calm);
        expect(band).not.toBeNull();
        if (s.bad === 'high') expect(band?.limit).toBeGreaterThan(1);
        else expect(band?.limit).toBeLessThan(1);
        expect(band?.limit).toBeGreaterThanOrEqual(0);
      });
    });
  }
});

describe('after-load rules', () => {
  const loadEnd = 50_000;
  const settledAt = 70_000;
  it('request-path SLIs stop being observable when the load ends; a running streak then counts as kept', () => {
    expect(observabilityOf({ afterLoad: 'request-path' }, loadEnd, settledAt)).toEqual({
      unobservableFrom: loadEnd,
      afterwards: 'continue-streak',
    });
  });
  it('a rate that falls to zero once everything settled counts as in band from then on', () => {
    expect(observabilityOf({ afterLoad: 'zero-once-settled' }, loadEnd, settledAt)).toEqual({
      unobservableFrom: settledAt,
      afterwards: 'in-band',
    });
    expect(observabilityOf({ afterLoad: 'zero-once-settled' }, loadEnd, null).unobservableFrom).toBeNull();
  });
  it('lags are judged to the deadline', () => {
    expect(observabilityOf({ afterLoad: 'judged' }, loadEnd, settledAt).unobservableFrom).toBeNull();
  });
});
