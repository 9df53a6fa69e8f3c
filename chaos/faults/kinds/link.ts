/**
 * Link faults, by Toxiproxy: a toxic on one proxied link (db, kafka, redis, pg-mock), or the link
 * down (proxy disabled). Attributes are Toxiproxy's own names and units.
 */
import { LINK_NAMES, type LinkName } from '../../../system/src/config.ts';
import { fail, isRecord, noUnknownKeys, num, oneOf } from './check.ts';
import { faultKind } from './fault-kind.ts';
import { between, chance, int, pick, type Random } from './random.ts';

export const TOXIC_KINDS = [
  'latency',
  'bandwidth',
  'timeout',
  'reset_peer',
  'slow_close',
  'slicer',
  'limit_data',
  'down',
] as const;
export type ToxicKind = (typeof TOXIC_KINDS)[number];

/** Attributes per Toxiproxy toxic type (Toxiproxy's own names and units). */
export interface ToxicAttributes {
  latency: { latency: number; jitter: number };
  bandwidth: { rate: number };
  timeout: { timeout: number };
  reset_peer: { timeout: number };
  slow_close: { delay: number };
  slicer: { average_size: number; size_variation: number; delay: number };
  limit_data: { bytes: number };
  down: Record<string, never>;
}

export interface LinkFault {
  kind: 'link';
  target: LinkName;
  toxic: ToxicKind;
  attributes?: Partial<ToxicAttributes[ToxicKind]>;
  /** Which direction: downstream (server → client) by default, as Toxiproxy does. */
  stream?: 'upstream' | 'downstream';
  /** Share of connections affected (0..1]. */
  toxicity?: number;
}

/** Toxiproxy's attribute defaults are not always useful (latency 0); these make a bare toxic bite. */
const TOXIC_DEFAULTS: { [K in Exclude<ToxicKind, 'down'>]: ToxicAttributes[K] } = {
  latency: { latency: 1000, jitter: 0 },
  bandwidth: { rate: 10 },
  timeout: { timeout: 0 },
  reset_peer: { timeout: 0 },
  slow_close: { delay: 1000 },
  slicer: { average_size: 64, size_variation: 32, delay: 10 },
  limit_data: { bytes: 1024 },
};

/** Bounded draws per toxic: bad enough to bite, short of making a 60 s run meaningless. */
const DRAW_ATTRIBUTES: { [K in ToxicKind]: (random: Random) => ToxicAttributes[K] } = {
  latency: (r) => {
    const latency = int(r, 5, 200) * 10; // 50 ms .. 2 s
    return { latency, jitter: int(r, 0, latency / 20) * 10 };
  },
  bandwidth: (r) => ({ rate: int(r, 5, 100) }), // KB/s
  timeout: (r) => ({ timeout: chance(r, 0.5) ? 0 : int(r, 5, 50) * 100 }), // 0 = black hole
  reset_peer: (r) => ({ timeout: int(r, 0, 20) * 100 }),
  slow_close: (r) => ({ delay: int(r, 1, 30) * 100 }),
  slicer: (r) => {
    const average = int(r, 1, 16) * 16;
    return { average_size: average, size_variation: int(r, 0, average / 2), delay: int(r, 0, 20) };
  },
  limit_data: (r) => ({ bytes: int(r, 1, 64) * 1024 }),
  down: () => ({}),
};

export const linkFault = faultKind<LinkFault>({
  kind: 'link',
  summary: 'Toxiproxy toxic on a link (latency, bandwidth, timeout, reset_peer, …) or the link down',
  targets: LINK_NAMES,
  parse(f, path, window) {
    noUnknownKeys(path, f, ['kind', 'target', 'toxic', 'attributes', 'stream', 'toxicity']);
    const target = oneOf(`${path}.target`, f.target, LINK_NAMES);
    const toxic = oneOf(`${path}.toxic`, f.toxic, TOXIC_KINDS);
    if (f.attributes !== undefined && !isRecord(f.attributes))
      fail(`${path}.attributes`, 'an object of toxic attributes', f.attributes);
    const allowed = toxic === 'down' ? [] : Object.keys(TOXIC_DEFAULTS[toxic]);
    noUnknownKeys(`${path}.attributes`, f.attributes ?? {}, allowed);
    for (const [k, v] of Object.entries(f.attributes ?? {})) num(`${path}.attributes.${k}`, v, 0, 10_000_000);
    if (f.stream !== undefined) oneOf(`${path}.stream`, f.stream, ['upstream', 'downstream'] as const);
    if (f.toxicity !== undefined) num(`${path}.toxicity`, f.toxicity, 0.01, 1);
    if (window.durationSeconds === 0)
      fail(window.durationPath, 'more than 0 for a link fault', window.durationSeconds);
    return { ...f, kind: 'link', target, toxic } as LinkFault;
  },
  target: (f) => f.target,
  kindLabel: (f) => `link:${f.toxic}`,
  label(f) {
    const attrs = Object.entries(f.attributes ?? {})
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ');
    return `${f.toxic === 'down' ? 'link down' : f.toxic} on ${f.target} link${attrs ? ` (${attrs})` : ''}`;
  },
  hasWindow: () => true,
  draw(random, target) {
    const toxic = pick(random, TOXIC_KINDS);
    const fault: LinkFault = { kind: 'link', target: target as LinkName, toxic };
    if (toxic !== 'down') fault.attributes = DRAW_ATTRIBUTES[toxic](random);
    if (toxic !== 'down' && chance(random, 0.25)) fault.stream = 'upstream';
    if (toxic !== 'down' && chance(random, 0.25)) fault.toxicity = between(random, 0.3, 0.9);
    return fault;
  },
  async start(f, { links, id }) {
    if (f.toxic === 'down') {
      await links.setEnabled(f.target, false);
      return () => links.setEnabled(f.target, true);
    }
    const name = `paylab-${id}`;
    await links.addToxic(f.target, {
      name,
      type: f.toxic,
      stream: f.stream ?? 'downstream',
      toxicity: f.toxicity ?? 1,
      attributes: { ...TOXIC_DEFAULTS[f.toxic], ...f.attributes } as Record<string, number>,
    });
    return () => links.removeToxic(f.target, name);
  },
});
