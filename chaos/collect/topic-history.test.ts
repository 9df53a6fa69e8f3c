import { describe, expect, it, vi } from 'vitest';
import { endOffsets } from './topic-history.ts';

const NAMES = { events: 'payment-events', retry: 'payment-events-retry', deadLetter: 'payment-events-dlt' };

function notLeader(): Error {
  // What kafkajs raises (a KafkaJSProtocolError) when a broker that just started has not loaded
  // its partitions yet: retriable, yet listOffsets does not retry it.
  return Object.assign(new Error('This server is not the leader for that topic-partition'), {
    type: 'NOT_LEADER_FOR_PARTITION',
    retriable: true,
  });
}

describe('end offsets (the run marks)', () => {
  it('when a partition has no leader yet, then the read refreshes metadata and tries again', async () => {
    let calls = 0;
    const admin = {
      fetchTopicOffsets: vi.fn(async () => {
        calls++;
        if (calls === 1) throw notLeader();
        return [{ partition: 0, offset: '7', high: '7', low: '0' }];
      }),
      fetchTopicMetadata: vi.fn(async () => ({ topics: [] })),
    };
    const marks = await endOffsets(admin, NAMES, 5_000);
    expect(marks).toEqual({ events: { 0: '7' }, retry: { 0: '7' }, deadLetter: { 0: '7' } });
    expect(admin.fetchTopicMetadata).toHaveBeenCalledTimes(1);
  });
  it('when the error is not retriable, or the patience is spent, then it is thrown', async () => {
    const broken = {
      fetchTopicOffsets: vi.fn(async () => {
        throw new Error('unknown topic');
      }),
      fetchTopicMetadata: vi.fn(async () => ({ topics: [] })),
    };
    await expect(endOffsets(broken, NAMES, 5_000)).rejects.toThrow('unknown topic');
    const leaderless = {
      fetchTopicOffsets: vi.fn(async () => {
        throw notLeader();
      }),
      fetchTopicMetadata: vi.fn(async () => ({ topics: [] })),
    };
    await expect(endOffsets(leaderless, NAMES, 0)).rejects.toThrow('not the leader');
  });
});
