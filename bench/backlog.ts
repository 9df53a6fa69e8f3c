/**
 * Pre-filled work for the relay and worker stages: real requested payments, each with the
 * payment.requested outbox row the API would have written (same event shape, sequence 1), written
 * in one set-based statement so that filling 100,000 takes seconds rather than a load run.
 */
import type { BenchLab } from './lab.ts';

export const BACKLOG_MERCHANT = 'bench-backlog';

export async function prefillPayments(lab: BenchLab, count: number): Promise<void> {
  if (count <= 0) return;
  // In slices: one huge statement would hold its locks and WAL for long on a small machine.
  for (let done = 0; done < count; done += 20_000) {
    const n = Math.min(20_000, count - done);
    await lab.pool.query(
      `WITH p AS (
         INSERT INTO payments (id, merchant_id, order_id, amount, currency, method, method_reference, method_display,
                               state, idempotency_key, event_sequence)
         SELECT gen_random_uuid(), $2, 'order-bench-' || g, 15000, 'KRW', 'card', 'tok_lab_5a1b2c3d', 'card **** 2c3d',
                'requested', 'bench-' || gen_random_uuid(), 1
           FROM generate_series(1, $1::int) g
         RETURNING id, merchant_id, amount, currency, method, method_reference, created_at
       ), e AS (SELECT p.*, gen_random_uuid() AS event_id FROM p)
       INSERT INTO outbox (event_id, aggregate_id, event_type, partition_key, payload)
       SELECT event_id, id, 'payment.requested', id::text,
              jsonb_build_object('eventId', event_id, 'type', 'payment.requested', 'paymentId', id,
                                 'merchantId', merchant_id, 'occurredAt', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                                 'sequence', 1, 'amount', amount, 'currency', currency, 'method', method,
                                 'methodReference', method_reference)
         FROM e`,
      [n, BACKLOG_MERCHANT],
    );
  }
  // What autovacuum would do soon after such a burst; the relay's claim plans badly without it.
  await lab.pool.query('ANALYZE outbox');
  await lab.pool.query('ANALYZE payments');
}
