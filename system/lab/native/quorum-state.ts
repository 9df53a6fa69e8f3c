/**
 * The active KRaft controller of the native 3-broker cluster, read from the quorum's own record:
 * every voter persists its view of the election (`<log.dirs>/__cluster_metadata-0/quorum-state`,
 * written on every state change: its epoch, the leader it follows or is, whom it voted for). The
 * newest epoch that has a leader names the active controller; a voter that was down during an
 * election only holds an older epoch. Read in a millisecond, where asking the quorum through
 * Kafka's Admin client (DescribeQuorum) costs a JVM start — 6 to 12 s on the shared 2-core machine,
 * which a controller-failover fault would spend before it could strike.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LabConfig } from '../../src/config.ts';
import { LabError } from '../runtime.ts';
import { kafkaNodeDir } from './kafka-cluster.ts';

export interface QuorumView {
  node: number;
  leaderId: number;
  leaderEpoch: number;
}

/** One voter's quorum-state file, or why it cannot be read as one. */
export function parseQuorumState(node: number, text: string): QuorumView {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`node ${node}: quorum-state is not JSON`);
  }
  const fields = parsed as { leaderId?: unknown; leaderEpoch?: unknown };
  if (typeof fields.leaderId !== 'number' || typeof fields.leaderEpoch !== 'number')
    throw new Error(`node ${node}: quorum-state has no numeric leaderId and leaderEpoch`);
  return { node, leaderId: fields.leaderId, leaderEpoch: fields.leaderEpoch };
}

/** The leader of the newest epoch any voter knows; throws while that epoch has no leader yet. */
export function quorumLeaderOf(views: readonly QuorumView[]): number {
  if (views.length === 0)
    throw new LabError(
      'no voter of the KRaft quorum has a quorum-state file: is the 3-broker cluster up (--brokers 3)?',
    );
  const newest = Math.max(...views.map((v) => v.leaderEpoch));
  const leader = views.find((v) => v.leaderEpoch === newest && v.leaderId >= 0);
  if (!leader)
    throw new LabError(
      `the KRaft quorum has no leader right now (an election is under way at epoch ${newest})`,
    );
  return leader.leaderId;
}

export function quorumStateFile(config: LabConfig, node: number): string {
  return path.join(kafkaNodeDir(config, node), 'data', '__cluster_metadata-0', 'quorum-state');
}

/** Reads every voter's record; a voter whose file is missing or half-written is skipped. */
export function readQuorumLeader(config: LabConfig): number {
  const views: QuorumView[] = [];
  for (const { id } of config.kafkaCluster) {
    try {
      views.push(parseQuorumState(id, fs.readFileSync(quorumStateFile(config, id), 'utf8')));
    } catch {
      // Kafka rewrites the file by rename, but a node never started has none: the others decide.
    }
  }
  return quorumLeaderOf(views);
}
