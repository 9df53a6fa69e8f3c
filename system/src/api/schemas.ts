/**
 * Route schemas: the contract the validator enforces, the serializer obeys (only listed fields go
 * out) and the OpenAPI document shows. Every object forbids unknown properties: a misspelt payment
 * field is refused, never dropped.
 */

const nullableString = { type: ['string', 'null'] } as const;

/**
 * Free text that reaches PostgreSQL (item names, cancel reasons): no C0 control characters or DEL
 * (text cannot hold U+0000). Unpaired UTF-16 surrogates, which the json types refuse, are refused
 * by `hasUnpairedSurrogate` in the domain: a surrogate range here is a pattern OpenAPI tools
 * (schemathesis among them) cannot use, so they would fuzz without it.
 */
export const SAFE_TEXT_PATTERN = '^[^\\u0000-\\u001f\\u007f]+$';

/**
 * A payment id as the database stores it. Not `format: uuid`: Ajv's uuid format also accepts
 * `urn:uuid:<uuid>`, which PostgreSQL's uuid type refuses.
 */
export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** Upper bound for amounts: far above any real payment, far below 2^53, so JS numbers stay exact. */
export const MAX_AMOUNT = 1_000_000_000_000;

export const fieldErrorSchema = {
  type: 'object',
  properties: {
    field: { type: 'string' },
    value: {},
    reason: { type: 'string' },
  },
  required: ['field', 'value', 'reason'],
} as const;

export const failureSchema = {
  type: 'object',
  description: 'Failure envelope',
  properties: {
    code: { type: 'integer' },
    message: { type: 'string' },
    errors: { type: 'array', items: fieldErrorSchema },
  },
  required: ['code', 'message', 'errors'],
} as const;

function successSchema(data: object, description: string) {
  return {
    type: 'object',
    description,
    properties: { code: { type: 'integer' }, message: { type: 'string' }, data },
    required: ['code', 'message', 'data'],
  } as const;
}

const paymentItemSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'quantity', 'unitPrice'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200, pattern: SAFE_TEXT_PATTERN },
    quantity: { type: 'integer', minimum: 1, maximum: 10_000 },
    unitPrice: { type: 'integer', minimum: 0, maximum: MAX_AMOUNT, description: 'minor units' },
  },
} as const;

export const createPaymentBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['orderId', 'amount', 'currency', 'method', 'methodReference', 'items'],
  properties: {
    orderId: {
      type: 'string',
      minLength: 1,
      maxLength: 64,
      pattern: '^[\\x21-\\x7e]+$',
      description: "the merchant's order id",
    },
    amount: {
      type: 'integer',
      minimum: 1,
      maximum: MAX_AMOUNT,
      description: 'minor units (e.g. cents); must equal the sum of the items',
    },
    currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' },
    method: { type: 'string', enum: ['card', 'easy_pay'] },
    methodReference: {
      type: 'string',
      minLength: 1,
      maxLength: 128,
      pattern: '^[\\x21-\\x7e]+$',
      description: 'card: the vault token (never a card number); easy_pay: the wallet reference',
    },
    items: { type: 'array', minItems: 1, maxItems: 100, items: paymentItemSchema },
  },
} as const;

export const idempotencyKeyHeaderSchema = {
  type: 'object',
  required: ['idempotency-key'],
  properties: {
    'idempotency-key': {
      type: 'string',
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x21-\\x7e]+$',
      description: 'unique per merchant and payment attempt; reuse it to retry safely',
    },
  },
} as const;

export const paymentIdParamsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', pattern: UUID_PATTERN, description: 'the payment id (a uuid)' } },
} as const;

export const cancelBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { reason: { type: 'string', minLength: 1, maxLength: 200, pattern: SAFE_TEXT_PATTERN } },
} as const;

export const paymentViewSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    orderId: { type: 'string' },
    amount: { type: 'integer' },
    currency: { type: 'string' },
    method: { type: 'string', enum: ['card', 'easy_pay'] },
    methodDisplay: nullableString,
    state: {
      type: 'string',
      enum: ['requested', 'processing', 'completed', 'failed', 'cancel_requested', 'canceled'],
    },
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          quantity: { type: 'integer' },
          unitPrice: { type: 'integer' },
          amount: { type: 'integer' },
        },
        required: ['name', 'quantity', 'unitPrice', 'amount'],
      },
    },
    pgTransactionId: nullableString,
    errorCode: nullableString,
    errorMessage: nullableString,
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    completedAt: nullableString,
  },
  required: ['id', 'orderId', 'amount', 'currency', 'method', 'state', 'items', 'createdAt', 'updatedAt'],
} as const;

export const paymentResponseSchema = successSchema(paymentViewSchema, 'Payment envelope');

export const issuedKeyResponseSchema = successSchema(
  {
    type: 'object',
    properties: { idempotencyKey: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' } },
    required: ['idempotencyKey', 'createdAt'],
  },
  'Issued idempotency key',
);

export const healthResponseSchema = successSchema(
  {
    type: 'object',
    properties: {
      status: { type: 'string' },
      checks: { type: 'object', additionalProperties: { type: 'string' } },
    },
    required: ['status'],
  },
  'Health',
);

/** The failure responses every route can give, for the OpenAPI document. */
export const commonFailures = {
  400: failureSchema,
  401: failureSchema,
  413: failureSchema,
  415: failureSchema,
  500: failureSchema,
  503: failureSchema,
} as const;
