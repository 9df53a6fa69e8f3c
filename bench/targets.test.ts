import { describe, expect, it } from 'vitest';
import { compareToBaseline, type Baseline } from './baseline.ts';
import type { Summary } from './stats.ts';
import { evaluateTargets, REPORTED_RATIOS, type Figures } from './targets.ts';

const m = (median: number): Summary => ({ min: median, median, max: median, n: 1 });

const FIGURES: Figures = {
  'limit.createTps': m(1000),
  'limit.fullPaymentTps': m(400),
  'limit.relayRowsPerSec': m(5000),
  'limit.producerMsgsPerSec': m(4000),
  'limit.workerPaymentsPerSec': m(900),
  'limit.consumerMsgsPerSec': m(20000),
  'api.acceptedPerSec': m(720),
  'relay.rowsPerSec': m(2000),
  'workers.paymentsPerSec': m(450),
  'e2e.capacityPerSec': m(200),
  'e2e.labOverheadShare': m(0.25),
  'cpu.stackMsPerPayment': m(9),
  'drain.ratePerSec': m(300),
  'drain.arrivalPerSec': m(50),
};

describe('evaluateTargets', () => {
  const byName = Object.fromEntries(evaluateTargets(FIGURES).map((t) => [t.name, t]));

  it('divides by the smaller of two limits', () => {
    expect(byName['relay-vs-limit']?.value).toBeCloseTo(0.5);
    expect(byName['workers-vs-limit']?.value).toBeCloseTo(0.5);
  });

  it('says which target is met and by how much one is missed', () => {
    expect(byName['api-vs-create-limit']).toMatchObject({ value: 0.72, target: 0.7, met: true, missBy: 0 });
    expect(byName['e2e-vs-create-limit']).toMatchObject({ value: 0.2, met: false });
    expect(byName['e2e-vs-create-limit']?.missBy).toBeCloseTo((0.35 - 0.2) / 0.35);
  });

  it('judges lower-is-better targets the other way', () => {
    expect(byName['lab-overhead-share']).toMatchObject({ value: 0.25, met: true });
    expect(byName['stack-cpu-per-payment']).toMatchObject({ value: 9, met: false, unit: 'ms' });
    expect(byName['stack-cpu-per-payment']?.missBy).toBeCloseTo(2);
    expect(byName['drain-vs-arrival']).toMatchObject({ value: 6, met: true });
  });

  it('a figure the run did not measure leaves the target unmet with no value', () => {
    const { 'limit.createTps': _gone, ...rest } = FIGURES;
    const api = evaluateTargets(rest).find((t) => t.name === 'api-vs-create-limit');
    expect(api).toMatchObject({ value: null, met: false });
  });

  it('reports e2e against the full-payment SQL limit too', () => {
    const full = REPORTED_RATIOS.find((r) => r.name === 'e2e-vs-full-payment-limit');
    expect(full?.value(FIGURES)).toBeCloseTo(0.5);
  });
});

describe('compareToBaseline', () => {
  const results = evaluateTargets(FIGURES);
  const baseline = (ratios: Record<string, number>): Baseline => ({
    mode: 'quick',
    recordedAt: '2026-01-01T00:00:00Z',
    note: 'test',
    ratios,
  });

  it('passes a ratio within 25 % of its baseline and fails one that dropped further', () => {
    const findings = compareToBaseline(
      results,
      baseline({ 'api-vs-create-limit': 0.9, 'relay-vs-limit': 0.7 }),
    );
    expect(findings.find((f) => f.name === 'api-vs-create-limit')).toMatchObject({ regressed: false });
    expect(findings.find((f) => f.name === 'relay-vs-limit')).toMatchObject({ regressed: true });
  });

  it('fails a lower-is-better ratio that rose more than 25 %', () => {
    const [finding] = compareToBaseline(results, baseline({ 'lab-overhead-share': 0.19 }));
    expect(finding).toMatchObject({ name: 'lab-overhead-share', regressed: true });
    const [ok] = compareToBaseline(results, baseline({ 'lab-overhead-share': 0.21 }));
    expect(ok).toMatchObject({ regressed: false });
  });

  it('never gates an absolute figure, and fails a gated ratio the run could not measure', () => {
    const { 'drain.ratePerSec': _gone, ...rest } = FIGURES;
    const findings = compareToBaseline(
      evaluateTargets(rest),
      baseline({ 'stack-cpu-per-payment': 1, 'drain-vs-arrival': 5 }),
    );
    expect(findings).toEqual([
      { name: 'drain-vs-arrival', baseline: 5, value: null, relative: null, regressed: true },
    ]);
  });
});
