/**
 * Validation helpers for fault specs read from a scenario file — and for the rest of the scenario:
 * scenarios/lib/define.ts validates its fields with the same helpers and turns a FaultSpecError into
 * its ScenarioError. Every message names the field and what was expected.
 */
export class FaultSpecError extends Error {
  override name = 'FaultSpecError';
}

export type Fields = Record<string, unknown>;

export function fail(path: string, expected: string, got: unknown): never {
  throw new FaultSpecError(`${path}: expected ${expected}, got ${JSON.stringify(got)}`);
}

export function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function num(path: string, value: unknown, min: number, max: number, integer = false): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    fail(path, `${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`, value);
  }
  return value;
}

export function oneOf<T extends string>(path: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
    fail(path, `one of ${allowed.join(', ')}`, value);
  return value as T;
}

export function noUnknownKeys(path: string, value: Fields, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      fail(`${path}.${key}`, `no such field (allowed: ${allowed.join(', ')})`, value[key]);
  }
}
