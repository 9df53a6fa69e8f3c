import { describe, expect, it } from 'vitest';
import { committableOffset, groupByKey, runGroups } from './key-batches.ts';

const m = (key: string | null, offset: number) => ({
  key: key === null ? null : Buffer.from(key),
  offset: String(offset),
});

describe('groupByKey', () => {
  it('keeps each key’s messages in offset order, and keyless messages apart', () => {
    const groups = groupByKey([m('a', 1), m('b', 2), m('a', 3), m(null, 4), m(null, 5)]);
    expect(groups.map((g) => g.map((x) => x.offset))).toEqual([['1', '3'], ['2'], ['4'], ['5']]);
  });
});

describe('committableOffset', () => {
  it('stops at the first message not handled yet', () => {
    const batch = [m('a', 1), m('b', 2), m('a', 3)];
    expect(committableOffset(batch, new Set(['1', '3']))).toBe('1');
    expect(committableOffset(batch, new Set(['2', '3']))).toBeUndefined();
    expect(committableOffset(batch, new Set(['1', '2', '3']))).toBe('3');
  });
});

describe('runGroups', () => {
  it('runs keys concurrently but one key’s messages strictly in order', async () => {
    const log: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const done = new Set<string>();
    const batch = [m('a', 1), m('b', 2), m('a', 3), m('c', 4), m('b', 5)];
    await runGroups(
      groupByKey(batch),
      3,
      async (x) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        log.push(`start ${x.key?.toString()}${x.offset}`);
        await new Promise((r) => setTimeout(r, x.offset === '1' ? 30 : 5));
        log.push(`end ${x.key?.toString()}${x.offset}`);
        inFlight--;
      },
      () => true,
      done,
    );
    expect(maxInFlight).toBe(3);
    expect(log.indexOf('start a3')).toBeGreaterThan(log.indexOf('end a1'));
    expect(log.indexOf('start b5')).toBeGreaterThan(log.indexOf('end b2'));
    expect(committableOffset(batch, done)).toBe('5');
  });

  it('stops taking messages when told to, leaving the rest uncommitted', async () => {
    const done = new Set<string>();
    let handled = 0;
    const batch = [m('a', 1), m('a', 2), m('a', 3)];
    await runGroups(
      groupByKey(batch),
      2,
      async () => void handled++,
      () => handled < 1,
      done,
    );
    expect(committableOffset(batch, done)).toBe('1');
  });
});
