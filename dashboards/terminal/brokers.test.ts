import { describe, expect, it } from 'vitest';
import { joinBrokers, totalUnderReplicated } from './brokers.ts';

const series = (broker: string, value: number) => ({ labels: { broker }, value });

describe('joinBrokers', () => {
  it('when every broker answers, then each row joins its numbers by the broker label, sorted by id', () => {
    const joined = joinBrokers(
      {
        up: [series('10', 1), series('2', 1), series('1', 1)],
        leaders: [series('1', 4), series('2', 3), series('10', 0)],
        underReplicated: [series('1', 0), series('2', 2), series('10', 0)],
        activeController: [series('1', 0), series('2', 1), series('10', 0)],
      },
      [{ labels: {}, value: 0 }],
    );
    expect(joined).toEqual({
      brokers: [
        { broker: '1', up: true, leaders: 4, underReplicated: 0, activeController: false },
        { broker: '2', up: true, leaders: 3, underReplicated: 2, activeController: true },
        { broker: '10', up: true, leaders: 0, underReplicated: 0, activeController: false },
      ],
      offlinePartitions: 0,
    });
    expect(totalUnderReplicated(joined)).toBe(2);
  });

  it('when a broker is down, then it keeps a row (from up = 0) without numbers, and totals skip it', () => {
    const joined = joinBrokers(
      {
        up: [series('1', 1), series('2', 0)],
        leaders: [series('1', 6)],
        underReplicated: [series('1', 6)],
        activeController: [series('1', 1)],
      },
      [],
    );
    expect(joined.brokers[1]).toEqual({ broker: '2', up: false, activeController: false });
    expect(joined.offlinePartitions).toBeUndefined();
    expect(totalUnderReplicated(joined)).toBe(6);
  });

  it('when nothing is scraped, then there are no rows and no total', () => {
    const joined = joinBrokers({}, undefined);
    expect(joined.brokers).toEqual([]);
    expect(totalUnderReplicated(joined)).toBeUndefined();
  });
});
