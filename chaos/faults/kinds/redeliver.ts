/** Publishes already-processed events of the run again: each must be absorbed as a duplicate. */
import { noUnknownKeys, num } from './check.ts';
import { faultKind } from './fault-kind.ts';
import { int } from './random.ts';

export interface RedeliverFault {
  kind: 'redeliver';
  count: number;
}

export const redeliverFault = faultKind<RedeliverFault>({
  kind: 'redeliver',
  summary: 'already-processed events published again (each must be absorbed as a duplicate)',
  targets: ['kafka'],
  parse(f, path) {
    noUnknownKeys(path, f, ['kind', 'count']);
    return { kind: 'redeliver', count: num(`${path}.count`, f.count, 1, 10_000, true) };
  },
  target: () => 'kafka',
  kindLabel: () => 'kafka:redeliver',
  label: (f) => `redeliver ${f.count} processed events`,
  hasWindow: () => false,
  draw: (random) => ({ kind: 'redeliver', count: int(random, 5, 100) }),
  exercises: ['duplicate-delivery'],
  async start(f, { injector, injected, log }) {
    const n = await injector.redeliver(f.count);
    injected.redelivered += n;
    if (n < f.count)
      log(`  redeliver: only ${n} processed events of this run were available (asked for ${f.count})`);
    return async () => undefined;
  },
});
