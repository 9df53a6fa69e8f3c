import { describe, expect, it } from 'vitest';
import { parseQuorumState, quorumLeaderOf } from './quorum-state.ts';

const state = (leaderId: number, leaderEpoch: number, votedId = -1) =>
  JSON.stringify({ clusterId: '', leaderId, leaderEpoch, votedId, appliedOffset: 0, data_version: 0 });

describe('the active KRaft controller from the voters’ quorum-state', () => {
  it('when every voter follows the same leader, then that leader', () => {
    const views = [1, 2, 3].map((n) => parseQuorumState(n, state(3, 2)));
    expect(quorumLeaderOf(views)).toBe(3);
  });

  it('when the old leader was killed and the others elected a new one, then the newest epoch wins', () => {
    // Node 3 died leading epoch 2; its file still says so. Nodes 1 and 2 elected node 1 at epoch 3.
    const views = [
      parseQuorumState(1, state(1, 3, 1)),
      parseQuorumState(2, state(1, 3, 1)),
      parseQuorumState(3, state(3, 2)),
    ];
    expect(quorumLeaderOf(views)).toBe(1);
  });

  it('when the newest epoch has no leader yet (an election), then it says so instead of naming the old one', () => {
    const views = [parseQuorumState(1, state(-1, 4, 1)), parseQuorumState(2, state(3, 3))];
    expect(() => quorumLeaderOf(views)).toThrow(/no leader right now.*epoch 4/);
  });

  it('when a file is not a quorum record, then the error names the node', () => {
    expect(() => parseQuorumState(2, '{"leaderId":"x"}')).toThrow(/node 2/);
    expect(() => parseQuorumState(3, 'garbage')).toThrow(/node 3/);
    expect(() => quorumLeaderOf([])).toThrow(/no voter/);
  });
});
