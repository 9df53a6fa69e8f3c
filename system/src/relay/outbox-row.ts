/** An outbox row as the relay sees it after claiming it. */
export interface ClaimedRow {
  eventId: string;
  eventType: string;
  partitionKey: string;
  /** The event as the API wrote it (jsonb), published as JSON. */
  payload: unknown;
  /** Publish attempts that already failed. */
  attempts: number;
  createdAt: Date;
  /** The lease token this claim holds; marks are conditional on it. */
  leaseOwner: string;
}

export interface ClaimedRowRecord {
  event_id: string;
  event_type: string;
  partition_key: string;
  payload: unknown;
  attempts: number;
  created_at: Date;
  lease_owner: string;
}

export function toClaimedRow(r: ClaimedRowRecord): ClaimedRow {
  return {
    eventId: r.event_id,
    eventType: r.event_type,
    partitionKey: r.partition_key,
    payload: r.payload,
    attempts: r.attempts,
    createdAt: r.created_at,
    leaseOwner: r.lease_owner,
  };
}
