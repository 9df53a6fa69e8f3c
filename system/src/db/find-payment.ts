/** A merchant's payment with its items, in one query. Another merchant's payment is simply not found. */
import type { PaymentItemRow, PaymentRow, PaymentView } from './payment-row.ts';
import { toPaymentView } from './payment-row.ts';
import type { Queryable } from './pool.ts';

export async function findPayment(
  db: Queryable,
  merchantId: string,
  paymentId: string,
): Promise<PaymentView | undefined> {
  const { rows } = await db.query<PaymentRow & { items: PaymentItemRow[] }>(
    `SELECT p.*,
            COALESCE((SELECT json_agg(json_build_object('name', i.name, 'quantity', i.quantity,
                                                       'unit_price', i.unit_price, 'amount', i.amount)
                                      ORDER BY i.line_no)
                        FROM payment_items i WHERE i.payment_id = p.id), '[]'::json) AS items
       FROM payments p
      WHERE p.id = $1 AND p.merchant_id = $2`,
    [paymentId, merchantId],
  );
  const row = rows[0];
  return row ? toPaymentView(row, row.items) : undefined;
}
