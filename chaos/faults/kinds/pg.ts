/**
 * The PG's own faults (HTTP level, which Toxiproxy cannot do): decline, 5xx and 503 rates,
 * latency, charge-then-time-out, slow inquiries. Set through the pg-mock admin API and checked by
 * the mock's own rules (applyFaultPatch), so a setting the mock would refuse is refused when the
 * scenario file loads, in the same words. The PG's random choices come from the run's seed.
 */
import { NO_FAULTS, type FaultProfile } from '../../../system/pg-mock/contract.ts';
import { applyFaultPatch } from '../../../system/pg-mock/validation.ts';
import { FaultSpecError, fail, isRecord, noUnknownKeys } from './check.ts';
import { faultKind } from './fault-kind.ts';
import { between, chance, int, pick, type Random } from './random.ts';

export type PgFaultSettings = Partial<Omit<FaultProfile, 'seed'>>;

export interface PgFault {
  kind: 'pg';
  settings: PgFaultSettings;
}

/** Each draws one PG misbehaviour, bounded so a 60 s run still completes most payments. */
const DRAWS: readonly ((random: Random) => PgFaultSettings)[] = [
  (r) => ({ declineRate: between(r, 0.1, 0.8) }),
  (r) => ({ errorRate: between(r, 0.1, 0.6) }),
  (r) => ({ unavailableRate: between(r, 0.1, 0.6), retryAfterSeconds: int(r, 1, 3) }),
  (r) => {
    const min = int(r, 1, 10) * 50;
    return {
      latencyMs: { min, max: min + int(r, 1, 20) * 100, tailRate: between(r, 0, 0.1, 0.01), tailMs: 3000 },
    };
  },
  (r) => ({ chargeThenTimeoutRate: between(r, 0.1, 0.5), chargeThenTimeoutMs: int(r, 10, 50) * 100 }),
  (r) => ({ inquiryLatencyMs: int(r, 1, 30) * 100 }),
];

function show(v: unknown): string {
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export const pgFault = faultKind<PgFault>({
  kind: 'pg',
  summary: "the PG's own faults: declines, 5xx, 503 + Retry-After, latency, charge then time out",
  targets: ['pg-mock'],
  parse(f, path, window) {
    noUnknownKeys(path, f, ['kind', 'settings']);
    const settings = f.settings;
    if (!isRecord(settings) || Object.keys(settings).length === 0)
      fail(`${path}.settings`, 'a non-empty partial PG fault profile', settings);
    if (settings.seed !== undefined)
      fail(`${path}.settings.seed`, 'nothing: the PG seed comes from the run seed', settings.seed);
    const checked = applyFaultPatch({ ...NO_FAULTS, seed: 0 }, settings);
    if (!checked.ok)
      throw new FaultSpecError(
        checked.errors.map((e) => `${path}.settings.${e.field}: ${e.reason}`).join('; '),
      );
    if (window.durationSeconds === 0)
      fail(window.durationPath, 'more than 0 for a PG fault', window.durationSeconds);
    return { kind: 'pg', settings: settings as PgFaultSettings };
  },
  target: () => 'pg-mock',
  kindLabel: (f) => `pg:${Object.keys(f.settings).sort().join('+') || 'none'}`,
  label: (f) =>
    `PG ${Object.entries(f.settings)
      .map(([k, v]) => `${k}=${show(v)}`)
      .join(' ')}`,
  hasWindow: () => true,
  draw(random) {
    const settings = pick(random, DRAWS)(random);
    // Now and then two misbehaviours at once (a slow PG that also loses answers).
    if (chance(random, 0.3)) Object.assign(settings, pick(random, DRAWS)(random));
    return { kind: 'pg', settings };
  },
  async start(f, { pg, seed }) {
    await pg.setFaults({ ...f.settings, seed });
    return () => pg.resetFaults();
  },
});
