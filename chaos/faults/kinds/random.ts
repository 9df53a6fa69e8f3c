/**
 * Seeded randomness for drawing faults. Every draw takes a `Random` (a function returning
 * [0, 1)) so one seed fixes every choice of a schedule; nothing here reads Math.random.
 */
export type Random = () => number;

/** mulberry32: a tiny, well-known 32-bit PRNG; the same seed always gives the same sequence. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A whole number from min to max, both included. */
export function int(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** A number from min to max rounded to `step` (0.05 → two decimals that read well in a file). */
export function between(random: Random, min: number, max: number, step = 0.05): number {
  const n = Math.round((min + random() * (max - min)) / step) * step;
  return Math.min(max, Math.max(min, Number(n.toFixed(6))));
}

export function pick<T>(random: Random, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pick from an empty list');
  return items[Math.min(items.length - 1, Math.floor(random() * items.length))] as T;
}

export function chance(random: Random, p: number): boolean {
  return random() < p;
}
