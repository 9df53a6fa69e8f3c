/**
 * The envelope's numeric codes and the HTTP status each one travels with. Numbers carried over
 * from the original Java service keep their meaning (2005, 2007, 1007, 1009, 1010, 4000, 5000);
 * the rest are ours. This table is append-only: clients and dashboards key on the numbers.
 */

export interface ResultCode {
  code: number;
  httpStatus: number;
  message: string;
}

export const SUCCESS_CODES = {
  ok: { code: 2000, httpStatus: 200, message: 'ok' },
  idempotencyKeyIssued: { code: 2001, httpStatus: 201, message: 'idempotency key issued' },
  paymentRequested: { code: 2005, httpStatus: 201, message: 'payment requested' },
  cancelRequested: { code: 2006, httpStatus: 202, message: 'cancel requested' },
  paymentStatus: { code: 2007, httpStatus: 200, message: 'payment status' },
} as const satisfies Record<string, ResultCode>;

export const ERROR_CODES = {
  idempotencyKeyMismatch: {
    code: 1007,
    httpStatus: 422,
    message: 'this Idempotency-Key was already used with different parameters',
  },
  idempotencyInProgress: {
    code: 1008,
    httpStatus: 409,
    message: 'a request with this Idempotency-Key is still in progress; retry shortly',
  },
  itemSumMismatch: { code: 1009, httpStatus: 400, message: 'the sum of the items differs from the amount' },
  amountNotPositive: {
    code: 1010,
    httpStatus: 400,
    message: 'amount must be a positive integer in minor units',
  },
  idempotencyKeyMissing: {
    code: 1011,
    httpStatus: 400,
    message: 'the Idempotency-Key header is required and must be 1-255 visible ASCII characters',
  },
  paymentNotCancelable: {
    code: 1012,
    httpStatus: 409,
    message: 'the payment cannot be canceled in its state',
  },
  badRequest: { code: 4000, httpStatus: 400, message: 'bad request' },
  unauthorized: { code: 4001, httpStatus: 401, message: 'a valid bearer API key is required' },
  notFound: { code: 4004, httpStatus: 404, message: 'not found' },
  methodNotAllowed: {
    code: 4005,
    httpStatus: 405,
    message: 'method not allowed on this route; see the Allow header',
  },
  payloadTooLarge: { code: 4013, httpStatus: 413, message: 'request body is too large' },
  unsupportedMediaType: {
    code: 4015,
    httpStatus: 415,
    message: 'unsupported content type; send application/json',
  },
  serverError: { code: 5000, httpStatus: 500, message: 'internal server error' },
  serviceUnavailable: {
    code: 5003,
    httpStatus: 503,
    message: 'a dependency is unavailable or the service is overloaded; retry later',
  },
} as const satisfies Record<string, ResultCode>;

export type SuccessCodeName = keyof typeof SUCCESS_CODES;
export type ErrorCodeName = keyof typeof ERROR_CODES;

/** One problem with the request, named so a client can fix it without reading logs. */
export interface FieldError {
  /** Where: a JSON pointer into the body ("/items/0/quantity"), a header name, or a param. */
  field: string;
  /** The offending value when it is safe and small enough to echo; never secrets. */
  value: unknown;
  reason: string;
}

/**
 * A deliberate failure: the root error handler turns it into the envelope as-is. Anything else
 * thrown is hidden behind 5000.
 */
export class PaymentError extends Error {
  override name = 'PaymentError';
  readonly codeName: ErrorCodeName;
  readonly errors: FieldError[];
  /** Seconds, for 409/503 answers a client should retry. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    codeName: ErrorCodeName,
    errors: FieldError[] = [],
    options: { message?: string; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(options.message ?? ERROR_CODES[codeName].message, { cause: options.cause });
    this.codeName = codeName;
    this.errors = errors;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get resultCode(): ResultCode {
    return ERROR_CODES[this.codeName];
  }
}
