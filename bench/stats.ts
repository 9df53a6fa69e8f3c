/** Repetition statistics: every bench figure is reported as min / median / max over its samples. */

export interface Summary {
  min: number;
  median: number;
  max: number;
  /** Samples behind the summary (repetitions that produced the figure). */
  n: number;
}

/** min / median / max of finite samples; the median of an even count is the mean of the middle two. */
export function summarize(samples: readonly number[]): Summary | undefined {
  const values = samples.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (values.length === 0) return undefined;
  const mid = Math.floor(values.length / 2);
  const median =
    values.length % 2 === 1
      ? (values[mid] as number)
      : ((values[mid - 1] as number) + (values[mid] as number)) / 2;
  return { min: values[0] as number, median, max: values[values.length - 1] as number, n: values.length };
}

/** The p-th percentile (0..100) of samples, nearest-rank: the value a p95 SLO is judged by. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}
