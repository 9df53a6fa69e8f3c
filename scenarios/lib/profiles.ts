/**
 * Load profiles and expectation presets shared by the scenario files. Rates are modest on
 * purpose: the whole lab (DB, Kafka, the stack, k6) shares two cores, and a fault must be the
 * cause of what a run shows, not a saturated machine.
 */
import type { CheckName } from '../../chaos/checker/result.ts';
import type { TimedFault } from '../../chaos/faults/spec.ts';
import type { LoadProfile } from './define.ts';

export function steady(
  rate: number,
  durationSeconds: number,
  options: Partial<LoadProfile> = {},
): LoadProfile {
  return {
    executor: 'constant-arrival-rate',
    rate,
    durationSeconds,
    preAllocatedVUs: Math.max(5, Math.ceil(rate / 2)),
    maxVUs: Math.max(50, rate * 5),
    cancelRatio: 0.1,
    requestTimeoutSeconds: 10,
    ...options,
  };
}

/** The load of the single-fault scenarios: 75 s at 15/s, a fault at 30 s leaves 25+ s to recover under load. */
export const FAULT_LOAD = steady(15, 75);
export const FAULT_AT = 30;
export const FAULT_WARMUP = 25;

/** What a naive variant's expected violation drags along with it (reported, not judged). */
export const CONSEQUENCES_OF_LOSS: CheckName[] = ['stuck'];

/**
 * Cancels that meet a capture in flight: 80 % of the payments are canceled 1–4 s after their
 * create was accepted — after the worker started charging, often after it gave up on a slow PG
 * answer. 10/s keeps the lab's 2 cores out of the picture; each cancel holds its k6 VU for its
 * delay, hence the VUs allocated up front (no dropped iterations while they wait).
 */
export const CANCEL_IN_FLIGHT_LOAD = steady(10, 75, {
  cancelRatio: 0.8,
  cancelAfterSeconds: { min: 1, max: 4 },
  preAllocatedVUs: 40,
  maxVUs: 80,
});

/**
 * Half the PG's answers (captures, inquiries, voids, refunds alike) come after 25 s, far past the
 * worker's 3 s deadline (which bounds what a slow call costs the worker); the other half within
 * 200 ms. A fixed latency hides the late-capture race (an inquiry sent after the capture is
 * answered after its booking); this split lets a fast inquiry overtake a slow capture of the same
 * key, so "not found" is answered seconds before the booking. The tail is long because the cancel
 * itself waits its turn behind its payment's retried request (reorder backoff): 25 s outlasts that.
 */
export const SPLIT_PG_LATENCY = { latencyMs: { min: 0, max: 200, tailRate: 0.5, tailMs: 25000 } };

/**
 * Partition 0's leader (looked up at fault time) keeps taking writes while its followers cannot
 * fetch from it (its replication proxy down), then is killed 5 s later — before the followers
 * left the ISR (replica.lag.time.max.ms 8 s), so one of them is elected cleanly and the old
 * leader's unreplicated tail is truncated when it comes back. kafka-leader-kill plays it with the
 * robust producer (acks=all: those writes were never acknowledged, so the relay sends them again),
 * naive-relay-acks-1 with acks=1 (acknowledged, then gone).
 */
export const LEADER_LOSS_FAULTS: TimedFault[] = [
  {
    fault: { kind: 'broker', action: 'cut-replication', broker: { leaderOf: { partition: 0 } } },
    atSeconds: FAULT_AT,
    durationSeconds: 6,
  },
  {
    fault: { kind: 'broker', action: 'kill', broker: { leaderOf: { partition: 0 } } },
    atSeconds: FAULT_AT + 5,
    durationSeconds: 15,
  },
];
