/**
 * The CI gate: a quick run fails when a gated ratio is more than `tolerance` (25 %) worse than the
 * ratio committed as the project's baseline (bench/baseline.json) — lower for a higher-is-better
 * ratio, higher for a lower-is-better one. Absolute figures (ms) are machine-dependent and are not
 * gated; a gated ratio the run could not measure fails the gate (a stage that broke is a regression).
 */
import fs from 'node:fs';
import type { TargetResult } from './targets.ts';

export interface Baseline {
  /** Which mode recorded it (quick runs are gated against a quick baseline). */
  mode: 'quick' | 'full';
  recordedAt: string;
  /** Why these values (the machine, how they were chosen). */
  note: string;
  ratios: Record<string, number>;
}

export interface GateFinding {
  name: string;
  baseline: number;
  value: number | null;
  /** value / baseline (null when the run did not measure it). */
  relative: number | null;
  regressed: boolean;
}

export const DEFAULT_TOLERANCE = 0.25;

export function compareToBaseline(
  results: readonly TargetResult[],
  baseline: Baseline,
  tolerance = DEFAULT_TOLERANCE,
): GateFinding[] {
  const findings: GateFinding[] = [];
  for (const result of results) {
    if (result.unit !== 'ratio') continue;
    const base = baseline.ratios[result.name];
    if (base === undefined || !(base > 0)) continue;
    if (result.value === null) {
      findings.push({ name: result.name, baseline: base, value: null, relative: null, regressed: true });
      continue;
    }
    const relative = result.value / base;
    const regressed = result.better === 'higher' ? relative < 1 - tolerance : relative > 1 + tolerance;
    findings.push({ name: result.name, baseline: base, value: result.value, relative, regressed });
  }
  return findings;
}

function isBaseline(value: unknown): value is Baseline {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    (v.mode === 'quick' || v.mode === 'full') &&
    typeof v.recordedAt === 'string' &&
    typeof v.note === 'string' &&
    typeof v.ratios === 'object' &&
    v.ratios !== null &&
    Object.values(v.ratios).every((r) => typeof r === 'number' && Number.isFinite(r))
  );
}

export function readBaseline(file: string): Baseline {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `cannot read the bench baseline ${file}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  if (!isBaseline(parsed))
    throw new Error(
      `${file} is not a bench baseline: expected { mode, recordedAt, note, ratios: { name: number } }`,
    );
  return parsed;
}

/** A baseline from a run's ratios, for `--write-baseline`. */
export function baselineFrom(
  results: readonly TargetResult[],
  mode: Baseline['mode'],
  note: string,
): Baseline {
  const ratios: Record<string, number> = {};
  for (const r of results)
    if (r.unit === 'ratio' && r.value !== null) ratios[r.name] = Number(r.value.toFixed(4));
  return { mode, recordedAt: new Date().toISOString(), note, ratios };
}
