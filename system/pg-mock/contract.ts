/**
 * The contract of the mock payment gateway ("PG"): what the worker calls, and the admin API the
 * chaos engine and the checker use. Type-only: the pg-mock server validates bodies against these
 * shapes, and the chaos engine and checker import them as types.
 *
 * PG API (reached by the worker THROUGH Toxiproxy, link `pg-mock`):
 *   POST /v1/captures            CaptureRequest → 200 CaptureResult | 402 Decline | 5xx | 503 + Retry-After
 *        a key already booked answers that booking again (never a second one); 409 when the key
 *        was first used with another paymentId/amount/currency; 400 for a bad body (or a card number)
 *   GET  /v1/captures/:pgIdempotencyKey          → 200 CaptureResult | 404 (never seen: safe to charge)
 *        the 404 body's code is 'not_found'; an unknown route answers 404 'no_route', never read as "not seen"
 *   POST /v1/captures/:pgIdempotencyKey/void     → 200 VoidResult when nothing was booked under the key:
 *        the key is now closed, a capture of it arriving later (a late one the caller gave up on)
 *        is refused with 409 'key_voided' and never booked; 200 CaptureResult when the key was
 *        booked already (the caller refunds a live capture). Idempotent. The inquiry of a voided
 *        key answers 404 with code 'voided': nothing booked, and nothing ever will be.
 *   POST /v1/captures/:transactionId/refund      → 200 CaptureResult (status refunded)
 *        optional body RefundRequest; refunding twice answers the same refund (idempotent);
 *        404 unknown transaction; 409 not captured (declined) or key not this transaction's
 *   Errors (4xx, 500) carry a PgErrorBody; 503 carries Retry-After (seconds).
 *
 * Admin API (direct port, loopback only, `Authorization: Bearer <pgMockAdminToken>`):
 *   GET  /admin/faults  → FaultProfile        PUT /admin/faults  FaultProfile (partial) → FaultProfile
 *   POST /admin/faults/reset                  → FaultProfile (all faults off, same seed)
 *   GET  /admin/ledger[?paymentId=]  → LedgerEntry[]       POST /admin/ledger/reset
 *   GET  /admin/ledger/summary       → LedgerSummary (what the checker reads)
 *   PUT/DELETE /admin/holds/:pgIdempotencyKey, GET /admin/holds → HeldKey[]: a capture of a held key
 *        waits at the PG, unbooked, until the hold is deleted (tests place a late booking exactly)
 *   GET  /metrics (no auth; Prometheus)       GET /health
 */

export interface CaptureRequest {
  paymentId: string;
  /** The merchant's order reference. The original simulator's triggers work when it contains
   *  TIMEOUT, CONN_RESET, HTTP_503, JSON_ERROR or FAIL (see requests/ samples). */
  orderId: string;
  /** Derived from the payment by the worker and recorded before the call. */
  pgIdempotencyKey: string;
  amount: number;
  currency: string;
  method: 'card' | 'easy_pay';
  methodReference: string;
}

export type LedgerStatus = 'captured' | 'declined' | 'refunded';

export interface CaptureResult {
  transactionId: string;
  paymentId: string;
  pgIdempotencyKey: string;
  status: LedgerStatus;
  amount: number;
  currency: string;
  declineReason?: string;
}

/** The answer of a void that found no booking: the key is closed for good. */
export interface VoidResult {
  pgIdempotencyKey: string;
  status: 'voided';
}

export interface LedgerEntry extends CaptureResult {
  createdAt: string;
  refundedAt?: string;
}

export interface FaultProfile {
  /** Seed of the PG's fault decisions: with one seed, a key's n-th request gets the same fate in
   *  every run, whatever order requests arrive in. */
  seed: number;
  /** Probability (0..1) that a capture is declined (402, final). */
  declineRate: number;
  /** Probability that a request fails with 500 before anything happens. */
  errorRate: number;
  /** Probability of 503 with Retry-After (nothing happens). */
  unavailableRate: number;
  retryAfterSeconds: number;
  /** Added response latency: uniform between min and max, plus a tail. */
  latencyMs: { min: number; max: number; tailRate: number; tailMs: number };
  /** Probability that a capture is booked and then the answer is lost (the socket hangs, then closes). */
  chargeThenTimeoutRate: number;
  /** How long a "charge then time out" request hangs before the socket is destroyed. */
  chargeThenTimeoutMs: number;
  /** Extra latency of inquiries (GET /v1/captures/:key). */
  inquiryLatencyMs: number;
}

export const NO_FAULTS: Omit<FaultProfile, 'seed'> = {
  declineRate: 0,
  errorRate: 0,
  unavailableRate: 0,
  retryAfterSeconds: 1,
  latencyMs: { min: 0, max: 0, tailRate: 0, tailMs: 0 },
  chargeThenTimeoutRate: 0,
  chargeThenTimeoutMs: 5000,
  inquiryLatencyMs: 0,
};

/** Substrings of CaptureRequest.orderId that force a fault on the FIRST request of a
 *  pgIdempotencyKey (a retry with the same key gets the ledger's answer):
 *   TIMEOUT    — booked, then the answer never arrives (socket held chargeThenTimeoutMs, then closed)
 *   CONN_RESET — booked, then the connection is reset (TCP RST) before any answer
 *   HTTP_503   — 503 + Retry-After, nothing booked
 *   JSON_ERROR — booked, then 200 with a malformed JSON body
 *   FAIL       — declined (402), booked as declined */
export const PG_TRIGGERS = ['TIMEOUT', 'CONN_RESET', 'HTTP_503', 'JSON_ERROR', 'FAIL'] as const;
export type PgTrigger = (typeof PG_TRIGGERS)[number];

export interface RefundRequest {
  /** The capture's key; when given it must match the transaction (a cross-check, not a new key). */
  pgIdempotencyKey?: string;
}

export interface PgErrorBody {
  code: string;
  message: string;
  errors?: { field: string; reason: string }[];
}

export interface PaymentCaptures {
  paymentId: string;
  /** Live (captured, not refunded) transactions of this payment. */
  liveTransactionIds: string[];
  refundedTransactionIds: string[];
}

export interface LedgerSummary {
  /** Successful captures ever booked (including ones refunded later). */
  captures: number;
  /** Captures that are live now (not refunded). */
  liveCaptures: number;
  declines: number;
  refunds: number;
  /** Extra live captures now: sum over payments of (live captures - 1). The lab keeps this at 0. */
  doubleCaptures: number;
  /** Captures ever booked while the same payment already had a live one (the counter metric). */
  doubleCapturesEver: number;
  /** Every payment that has ever had more than one successful capture. */
  paymentsWithMultipleCaptures: PaymentCaptures[];
}
