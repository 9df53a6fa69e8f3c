import { describe, expect, it } from 'vitest';
import { formatElapsed, step } from './progress.ts';

describe('progress', () => {
  it('formats elapsed time for humans', () => {
    expect(formatElapsed(250)).toBe('250ms');
    expect(formatElapsed(1500)).toBe('1.5s');
    expect(formatElapsed(125_000)).toBe('2m5s');
  });
  it('names each step when it starts, ends and fails', async () => {
    const lines: string[] = [];
    await step(
      (l) => lines.push(l),
      'installing k6',
      async () => 1,
    );
    await expect(
      step(
        (l) => lines.push(l),
        'building toxiproxy',
        async () => Promise.reject(new Error('boom')),
      ),
    ).rejects.toThrow('boom');
    expect(lines[0]).toBe('• installing k6 …');
    expect(lines[1]).toMatch(/^✓ installing k6 \(\d+ms\)$/);
    expect(lines[3]).toMatch(/^✗ building toxiproxy failed after \d+ms$/);
  });
});
