import { describe, expect, it } from 'vitest';
import {
  checkCreatePayment,
  itemsTotal,
  looksLikeCardNumber,
  maskReference,
  type CreatePaymentInput,
} from './payment-request.ts';

const valid: CreatePaymentInput = {
  orderId: 'order-1',
  amount: 15000,
  currency: 'KRW',
  method: 'card',
  methodReference: 'tok_visa_4242',
  items: [
    { name: 'coffee', quantity: 2, unitPrice: 5000 },
    { name: 'cake', quantity: 1, unitPrice: 5000 },
  ],
};

describe('checkCreatePayment', () => {
  it('accepts items that add up to the amount', () => {
    expect(checkCreatePayment(valid)).toEqual({ ok: true });
  });

  it('refuses a zero or negative amount with 1010 (amountNotPositive)', () => {
    for (const amount of [0, -100]) {
      const result = checkCreatePayment({ ...valid, amount });
      expect(result).toMatchObject({
        ok: false,
        codeName: 'amountNotPositive',
        errors: [{ field: '/amount', value: amount }],
      });
    }
  });

  it('refuses items whose sum differs from the amount with 1009, naming both numbers', () => {
    const result = checkCreatePayment({ ...valid, amount: 14999 });
    expect(result).toMatchObject({ ok: false, codeName: 'itemSumMismatch' });
    if (!result.ok) expect(result.errors[0]?.reason).toBe('items add up to 15000 but amount is 14999');
  });

  it('computes item sums exactly beyond 2^53 so an overflow cannot fake a match', () => {
    const huge = { name: 'x', quantity: 10_000, unitPrice: 900_719_925_474_099 };
    expect(itemsTotal([huge])).toBe(9_007_199_254_740_990_000n);
    const result = checkCreatePayment({ ...valid, amount: Number.MAX_SAFE_INTEGER, items: [huge] });
    expect(result).toMatchObject({ ok: false, codeName: 'itemSumMismatch' });
  });

  it('refuses a card number as the method reference and does not echo it', () => {
    const result = checkCreatePayment({ ...valid, methodReference: '4242 4242 4242 4242' });
    expect(result).toMatchObject({
      ok: false,
      codeName: 'badRequest',
      errors: [{ field: '/methodReference', value: null }],
    });
  });
});

describe('card data detection and masking', () => {
  it('flags Luhn-valid 13–19 digit runs, with or without separators', () => {
    expect(looksLikeCardNumber('4111111111111111')).toBe(true);
    expect(looksLikeCardNumber('tok-4111-1111-1111-1111')).toBe(true);
  });

  it('flags card numbers grouped by dots, underscores or slashes too', () => {
    expect(looksLikeCardNumber('4111.1111.1111.1111')).toBe(true);
    expect(looksLikeCardNumber('tok_4111_1111_1111_1111')).toBe(true);
    expect(looksLikeCardNumber('4111/1111/1111/1111')).toBe(true);
    expect(looksLikeCardNumber('5500 0000.0000_0004')).toBe(true);
  });

  it('lets tokens, wallet references and Luhn-invalid numbers through', () => {
    expect(looksLikeCardNumber('tok_visa_4242')).toBe(false);
    expect(looksLikeCardNumber('wallet-7f3c9a')).toBe(false);
    expect(looksLikeCardNumber('4111111111111112')).toBe(false);
  });

  it('shows only the last four characters of a reference', () => {
    expect(maskReference('card', 'tok_visa_4242')).toBe('card **** 4242');
    expect(maskReference('easy_pay', 'kakao-abcd1234')).toBe('easy_pay **** 1234');
  });
});
