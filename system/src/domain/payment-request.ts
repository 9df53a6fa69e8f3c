/**
 * The rules of a create-payment request that a JSON schema cannot say: the amount is positive,
 * the items add up to it, and the method reference is a token, not card data. The route schema
 * has already checked shapes and types; this module checks meaning.
 */
import type { FieldError } from './result-codes.ts';

export const PAYMENT_METHODS = ['card', 'easy_pay'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export interface PaymentItemInput {
  name: string;
  quantity: number;
  unitPrice: number;
}

export interface CreatePaymentInput {
  orderId: string;
  amount: number;
  currency: string;
  method: PaymentMethod;
  methodReference: string;
  items: PaymentItemInput[];
}

export type RequestCheck =
  | { ok: true }
  | { ok: false; codeName: 'amountNotPositive' | 'itemSumMismatch' | 'badRequest'; errors: FieldError[] };

/** Minor units per item line, computed exactly (quantity × unit price may exceed 2^53 in a hostile body). */
export function itemLineAmount(item: PaymentItemInput): bigint {
  return BigInt(item.quantity) * BigInt(item.unitPrice);
}

export function itemsTotal(items: readonly PaymentItemInput[]): bigint {
  return items.reduce((sum, item) => sum + itemLineAmount(item), 0n);
}

// Runs of digits, optionally grouped by one separator between digits, as card numbers are written
// (spaces and dashes on the card, dots, underscores and slashes in hand-made references).
const SEPARATORS = /[ ._/-]/g;
const DIGIT_RUNS = /\d(?:[ ._/-]?\d)*/g;

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * A card reference must be a vault token; one containing a 13–19 digit run that passes the Luhn
 * check is treated as a card number and refused unread (Luhn keeps order numbers and timestamps
 * from tripping it most of the time).
 */
export function looksLikeCardNumber(reference: string): boolean {
  for (const run of reference.match(DIGIT_RUNS) ?? []) {
    const digits = run.replace(SEPARATORS, '');
    if (digits.length >= 13 && digits.length <= 19 && passesLuhn(digits)) return true;
  }
  return false;
}

/**
 * A lone UTF-16 surrogate: JSON can carry one (\ud800), PostgreSQL's json types refuse it and its
 * text type would silently store U+FFFD instead. In `u` mode, \p{Cs} matches only unpaired ones.
 */
export function hasUnpairedSurrogate(text: string): boolean {
  return /\p{Cs}/u.test(text);
}

/** For display only: the last four characters of the reference behind a mask. */
export function maskReference(method: PaymentMethod, reference: string): string {
  const tail = reference.slice(-4);
  return method === 'card' ? `card **** ${tail}` : `easy_pay **** ${tail}`;
}

export function checkCreatePayment(input: CreatePaymentInput): RequestCheck {
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) {
    return {
      ok: false,
      codeName: 'amountNotPositive',
      errors: [
        { field: '/amount', value: input.amount, reason: 'must be an integer greater than 0 (minor units)' },
      ],
    };
  }
  if (looksLikeCardNumber(input.methodReference)) {
    return {
      ok: false,
      codeName: 'badRequest',
      // The value is deliberately not echoed: it may be a real card number.
      errors: [
        {
          field: '/methodReference',
          value: null,
          reason: 'looks like a card number; send the vault token or wallet reference instead',
        },
      ],
    };
  }
  const badName = input.items.findIndex((item) => hasUnpairedSurrogate(item.name));
  if (badName >= 0) {
    return {
      ok: false,
      codeName: 'badRequest',
      errors: [
        { field: `/items/${badName}/name`, value: null, reason: 'holds an unpaired UTF-16 surrogate' },
      ],
    };
  }
  const total = itemsTotal(input.items);
  if (total !== BigInt(input.amount)) {
    return {
      ok: false,
      codeName: 'itemSumMismatch',
      errors: [
        {
          field: '/items',
          value: total.toString(),
          reason: `items add up to ${total.toString()} but amount is ${input.amount}`,
        },
      ],
    };
  }
  return { ok: true };
}
