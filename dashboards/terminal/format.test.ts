import { describe, expect, it } from 'vitest';
import {
  formatClock,
  formatRate,
  formatSeconds,
  formatTimer,
  NO_DATA,
  progressBar,
  sparkline,
} from './format.ts';

describe('format', () => {
  it('formats seconds in the unit a reader expects', () => {
    expect(formatSeconds(0.0123)).toBe('12ms');
    expect(formatSeconds(1.234)).toBe('1.23s');
    expect(formatSeconds(42.26)).toBe('42.3s');
    expect(formatSeconds(125)).toBe('2m05s');
    expect(formatSeconds(undefined)).toBe(NO_DATA);
  });

  it('formats timers in tenths, then minutes', () => {
    expect(formatTimer(0.94)).toBe('0.9s');
    expect(formatTimer(5.5)).toBe('5.5s');
    expect(formatTimer(260)).toBe('4m20s');
  });

  it('formats rates and clocks', () => {
    expect(formatRate(49.84)).toBe('49.8/s');
    expect(formatRate(1234.4)).toBe('1234/s');
    expect(formatClock(65)).toBe('1:05');
  });

  it('draws a sparkline of the last points scaled to the window maximum, gaps blank', () => {
    expect(sparkline([0, 7, 14, undefined, 7], 5)).toBe('▁▅█ ▅');
    expect(sparkline([1, 2, 3, 4], 2)).toBe('▆█');
    expect(sparkline([0, 0], 4)).toBe('▁▁');
  });

  it('draws a progress bar that never overflows its width', () => {
    expect(progressBar(0.5, 10)).toBe('█████░░░░░');
    expect(progressBar(3, 4)).toBe('████');
  });
});
