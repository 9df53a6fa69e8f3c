/**
 * What the collector gathers after a run and the checker judges: plain data, no clients.
 * Times are epoch milliseconds. Everything is scoped to one run: payments whose idempotency
 * key starts with the run id, and the outbox rows, processed events and PG ledger entries of
 * those payments.
 */
import type { LedgerEntry } from '../../system/pg-mock/contract.ts';
import type { PaymentState } from '../../system/src/domain/events.ts';

/** One create the API answered 2xx, as k6 saw it. */
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

/** Counter increases over the run, read from Prometheus; null when the metric could not be read. */
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
