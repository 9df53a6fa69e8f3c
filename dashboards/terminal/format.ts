/** Pure text formatting for the terminal view and its plain-line fallback. */

export const NO_DATA = '–';
const SPARK_CHARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

export function formatRate(value: number | undefined): string {
  if (value === undefined) return NO_DATA;
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)}/s`;
}

export function formatSeconds(value: number | undefined): string {
  if (value === undefined) return NO_DATA;
  if (value < 1) return `${Math.round(value * 1000)}ms`;
  if (value < 60) return `${value.toFixed(value < 10 ? 2 : 1)}s`;
  const minutes = Math.floor(value / 60);
  return `${minutes}m${String(Math.round(value - minutes * 60)).padStart(2, '0')}s`;
}

export function formatCount(value: number | undefined): string {
  if (value === undefined) return NO_DATA;
  return String(Math.round(value));
}

export function formatRatio(value: number | undefined): string {
  if (value === undefined) return NO_DATA;
  return `${(value * 100).toFixed(1)}%`;
}

/** A value in the unit an SLI file declares (observability/slis/define.ts). */
export function formatInUnit(
  unit: 'ratio' | 'seconds' | 'messages' | 'per_second' | 'rows',
  value: number | undefined,
): string {
  switch (unit) {
    case 'ratio':
      return formatRatio(value);
    case 'seconds':
      return formatSeconds(value);
    case 'per_second':
      return formatRate(value);
    case 'messages':
    case 'rows':
      return formatCount(value);
  }
}

/** A running or frozen timer: tenths of a second, so it visibly moves; minutes past a minute. */
export function formatTimer(seconds: number): string {
  const s = Math.max(0, seconds);
  if (s < 60) return `${s.toFixed(1)}s`;
  const minutes = Math.floor(s / 60);
  return `${minutes}m${String(Math.floor(s - minutes * 60)).padStart(2, '0')}s`;
}

/** Elapsed time as a clock, e.g. 1:05 or 12:00. */
export function formatClock(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

/** Wall-clock time of day (UTC), for log lines. */
export function formatTimeOfDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(11, 19);
}

/**
 * The last `width` points as block characters scaled from 0 to the window's maximum
 * (rates and lags are never negative). A missing point is a blank.
 */
export function sparkline(points: readonly (number | undefined)[], width: number): string {
  if (width <= 0) return '';
  const window = points.slice(-width);
  const max = Math.max(0, ...window.map((p) => p ?? 0));
  const top = SPARK_CHARS.length - 1;
  return window
    .map((p) => {
      if (p === undefined) return ' ';
      if (max === 0) return SPARK_CHARS[0];
      return SPARK_CHARS[Math.min(top, Math.max(0, Math.round((p / max) * top)))];
    })
    .join('');
}

export function progressBar(fraction: number, width: number): string {
  const clamped = Math.min(1, Math.max(0, fraction));
  const filled = Math.round(clamped * width);
  return '█'.repeat(filled) + '░'.repeat(Math.max(0, width - filled));
}
