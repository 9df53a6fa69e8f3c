/** Publishes undecodable messages to the payment-events topic: each must be dead-lettered. */
import { noUnknownKeys, num } from './check.ts';
import { faultKind } from './fault-kind.ts';
import { int } from './random.ts';

export interface PoisonFault {
  kind: 'poison';
  count: number;
}

export const poisonFault = faultKind<PoisonFault>({
  kind: 'poison',
  summary: 'undecodable messages published to the payment-events topic (each must be dead-lettered)',
  targets: ['kafka'],
  parse(f, path) {
    noUnknownKeys(path, f, ['kind', 'count']);
    return { kind: 'poison', count: num(`${path}.count`, f.count, 1, 10_000, true) };
  },
  target: () => 'kafka',
  kindLabel: () => 'kafka:poison',
  label: (f) => `${f.count} poison messages`,
  hasWindow: () => false,
  draw: (random) => ({ kind: 'poison', count: int(random, 1, 20) }),
  async start(f, { injector, injected }) {
    injected.poison += await injector.poison(f.count);
    return async () => undefined;
  },
});
