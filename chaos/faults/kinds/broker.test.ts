import { describe, expect, it } from 'vitest';
import { FaultSpecError } from './check.ts';
import { parseFault } from './registry.ts';

const WINDOW = { durationSeconds: 10, durationPath: 'faults[0].durationSeconds' };
const at = 'faults[0].fault';

describe('the broker fault kinds', () => {
  it('take a broker by id or as the leader of a partition or of the partition a key hashes to', () => {
    for (const broker of [2, { leaderOf: { partition: 0 } }, { leaderOf: { key: 'pay-1' } }])
      expect(parseFault({ kind: 'broker', action: 'kill', broker }, at, WINDOW)).toEqual({
        kind: 'broker',
        action: 'kill',
        broker,
      });
  });

  it('name the field when the broker or the action is wrong', () => {
    expect(() => parseFault({ kind: 'broker', action: 'kill', broker: 4 }, at, WINDOW)).toThrow(
      new FaultSpecError(`${at}.broker: expected a whole number from 1 to 3, got 4`),
    );
    expect(() =>
      parseFault({ kind: 'broker', action: 'kill', broker: { leaderOf: { key: '' } } }, at, WINDOW),
    ).toThrow(`${at}.broker.leaderOf.key: expected a non-empty message key`);
    expect(() => parseFault({ kind: 'broker', action: 'shake', broker: 1 }, at, WINDOW)).toThrow(
      `${at}.action: expected one of kill, stop, pause, isolate, cut-replication`,
    );
    expect(() => parseFault({ kind: 'rolling-restart', pauseSeconds: 99 }, at, WINDOW)).toThrow(
      `${at}.pauseSeconds: expected a number from 0 to 60`,
    );
  });
});
