/**
 * What the collector gathers after a run and the checker judges: plain data, no clients.
 * Times are epoch milliseconds. Everything is scoped to one run: payments whose idempotency
 * key starts with the run id, and the outbox rows, processed events and PG ledger entries of
 * those payments.
 */
import type { LedgerEntry } from '../../system/pg-mock/contract.ts';
import type { PaymentState } from '../../system/src/domain/events.ts';

/** One create the API answered 2xx, as k6 saw it (a replay of a key is logged again, same id). */
export interface AcceptedPayment {
  paymentId: string;
  idempotencyKey: string;
  at: number;
}

export interface DbPayment {
  id: string;
  idempotencyKey: string;
  state: PaymentState;
  captured: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface OutboxRow {
  eventId: string;
  paymentId: string;
  eventType: string;
  status: 'pending' | 'sent' | 'dead';
  /** Per-payment sequence from the event payload, when the payload carries one. */
  sequence: number | null;
  createdAt: number;
  sentAt: number | null;
}

export interface ProcessedEvent {
  eventId: string;
  paymentId: string;
  eventType: string;
  processedAt: number;
}

export interface HistoryRow {
  paymentId: string;
  previousState: string | null;
  newState: string;
  changedBy: string;
  at: number;
}

/** The three topics the checker reads itself. */
export const TOPIC_ROLES = ['events', 'retry', 'deadLetter'] as const;
export type TopicRole = (typeof TOPIC_ROLES)[number];

/** One message read back from a topic, from the offsets recorded before the run's first create. */
export interface TopicMessage {
  topic: TopicRole;
  partition: number;
  offset: number;
  /** The message key: the payment id for what the relay publishes, poison-… for injected poison. */
  key: string | null;
  /** The event-id header (the relay's, kept on the retry and dead-letter copies). */
  eventId: string | null;
  eventType: string | null;
  /** From the key or, failing that, the JSON payload; null for undecodable messages. */
  paymentId: string | null;
  /** The dead-letter reason header, on dead-letter messages. */
  deadReason: string | null;
  /** The broker's timestamp (epoch ms). */
  at: number;
}

/** Keys of the poison messages the chaos engine injects: how the checker tells them from real events. */
export function poisonKeyPrefix(runId: string): string {
  return `poison-${runId}-`;
}

/** Counter increases over the run, read from Prometheus; null when the metric could not be read.
 *  Shown beside the topic counts for comparison only: a worker killed before a scrape loses its
 *  increments, so no verdict rests on them. */
export interface CounterDeltas {
  duplicateDeliveries: number | null;
  deadLetters: number | null;
}

export interface FaultWindow {
  id: string;
  label: string;
  start: number;
  end: number;
}

export interface RunHistory {
  runId: string;
  /** Create requests k6 sent (every attempt, whatever the answer). */
  createsAttempted: number;
  /** 2xx creates per k6's own counter; compared with the accepted ids it logged. */
  createsAcceptedByK6: number;
  accepted: AcceptedPayment[];
  payments: DbPayment[];
  outbox: OutboxRow[];
  processed: ProcessedEvent[];
  history: HistoryRow[];
  /** The run's messages on the payment-events, retry and dead-letter topics, in offset order per
   *  partition; null when the topics could not be read (every verdict that needs them is unknown). */
  topics: TopicMessage[] | null;
  /** The PG's ledger entries of the run's payments; null when the ledger could not be read. */
  ledger: LedgerEntry[] | null;
  counters: CounterDeltas;
  /** Poison messages the chaos engine injected: the dead-letter count the stack must show. */
  injectedPoisonMessages: number;
  /** Already-processed events the chaos engine published again (forced redelivery). */
  injectedRedeliveries: number;
  faultWindows: FaultWindow[];
  loadStart: number;
  loadEnd: number;
  drainDeadline: number;
}
