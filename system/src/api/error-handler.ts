/**
 * The root error handler and the not-found handler. Deliberate errors (PaymentError) pass through
 * as-is; validation and body-parsing errors become 4xx envelopes that name the problem; a database
 * that is unreachable becomes 503 with Retry-After; everything else is logged and hidden behind
 * 5000 — a client never sees a stack trace or an internal message.
 */
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { looksLikeCardNumber } from '../domain/payment-request.ts';
import { type ErrorCodeName, type FieldError, PaymentError } from '../domain/result-codes.ts';
import { isTransientDbError } from '../db/db-errors.ts';
import { failure } from './envelope.ts';

/** The subset of an Ajv error fastify attaches to `error.validation`. */
export interface SchemaViolation {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

type ValidationContext = 'body' | 'params' | 'querystring' | 'headers';

// Control characters and unpaired surrogates are what got a value refused; echoing them helps nobody.
const UNPRINTABLE = /\p{Cc}|\p{Cs}/u;

/** Echo a value only when it is small, harmless and could help the client; never a card number. */
export function safeEcho(value: unknown): unknown {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string')
    return value.length <= 64 && !UNPRINTABLE.test(value) && !looksLikeCardNumber(value) ? value : null;
  return null;
}

/** Methods a route of ours could declare; what an Allow header can list. */
const ROUTABLE_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * The methods the router serves at this request's path, when the request itself matched no route:
 * a known path with an undeclared method is 405 with Allow, not 404 (RFC 9110 §15.5.6).
 */
function allowedMethodsOf(app: FastifyInstance, request: FastifyRequest): string[] {
  if (request.routeOptions.url !== undefined) return [];
  const url = request.url.split('?')[0] ?? '';
  return ROUTABLE_METHODS.filter((method) => app.findRoute({ method, url }) !== null);
}

function methodNotAllowed(reply: FastifyReply, request: FastifyRequest, allowed: string[]): FastifyReply {
  reply.header('allow', allowed.join(', '));
  return send(reply, 'methodNotAllowed', [
    {
      field: 'method',
      value: safeEcho(request.method),
      reason: `${request.method} is not served here; allowed: ${allowed.join(', ')}`,
    },
  ]);
}

function valueAt(root: unknown, pointer: string): unknown {
  let node: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Turns schema violations into field errors and picks the envelope code that fits them. */
export function describeViolations(
  context: ValidationContext,
  violations: readonly SchemaViolation[],
  input: unknown,
): { codeName: ErrorCodeName; errors: FieldError[] } {
  const errors = violations.map((v): FieldError => {
    // Body fields are JSON pointers; headers and params are named as the client wrote them.
    const base = context === 'body' ? v.instancePath || '/' : v.instancePath.replace(/^\//, '') || context;
    const join = (name: string) => (context === 'body' ? `${v.instancePath}/${escapePointer(name)}` : name);
    if (v.keyword === 'additionalProperties' && typeof v.params.additionalProperty === 'string') {
      // Unknown fields are not echoed: a misplaced secret or card number must not bounce back.
      return { field: join(v.params.additionalProperty), value: null, reason: 'unknown field' };
    }
    if (v.keyword === 'required' && typeof v.params.missingProperty === 'string') {
      return { field: join(v.params.missingProperty), value: null, reason: 'is required' };
    }
    // Header values are never echoed: the Authorization header lives next to them.
    const value = context === 'headers' ? null : valueAt(input, v.instancePath);
    return { field: base, value: safeEcho(value ?? null), reason: v.message ?? v.keyword };
  });

  let codeName: ErrorCodeName = 'badRequest';
  if (
    context === 'headers' &&
    violations.every(
      (v) => v.instancePath.includes('idempotency-key') || v.params.missingProperty === 'idempotency-key',
    )
  ) {
    codeName = 'idempotencyKeyMissing';
  } else if (
    context === 'body' &&
    violations.length > 0 &&
    violations.every(
      (v) => v.instancePath === '/amount' && (v.keyword === 'minimum' || v.keyword === 'exclusiveMinimum'),
    )
  ) {
    codeName = 'amountNotPositive';
  }
  return { codeName, errors };
}

const BODY_ERRORS: Record<string, { codeName: ErrorCodeName; reason: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { codeName: 'badRequest', reason: 'body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    codeName: 'badRequest',
    reason: 'body is empty but content-type is application/json',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    codeName: 'badRequest',
    reason: 'body size does not match Content-Length',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: { codeName: 'payloadTooLarge', reason: 'body exceeds the size limit' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    codeName: 'unsupportedMediaType',
    reason: 'send Content-Type: application/json',
  },
};

function send(
  reply: FastifyReply,
  codeName: ErrorCodeName,
  errors: FieldError[],
  message?: string,
): FastifyReply {
  const { status, body } = failure(codeName, errors, message);
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

export function handleError(
  this: FastifyInstance,
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  // An unmatched request can fail before the not-found handler runs (a QUERY without a
  // Content-Type fails body parsing first); on a known path it is still a method problem.
  const allowed = allowedMethodsOf(this, request);
  if (allowed.length > 0) return methodNotAllowed(reply, request, allowed);

  if (error instanceof PaymentError) {
    if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
    return send(reply, error.codeName, error.errors, error.message);
  }

  const fastifyError = error as FastifyError & {
    validation?: SchemaViolation[];
    validationContext?: ValidationContext;
  };
  if (Array.isArray(fastifyError.validation)) {
    const context = fastifyError.validationContext ?? 'body';
    const input = context === 'body' ? request.body : context === 'params' ? request.params : undefined;
    const { codeName, errors } = describeViolations(context, fastifyError.validation, input);
    return send(reply, codeName, errors);
  }

  const bodyError = fastifyError.code ? BODY_ERRORS[fastifyError.code] : undefined;
  if (bodyError) {
    return send(reply, bodyError.codeName, [{ field: 'body', value: null, reason: bodyError.reason }]);
  }

  if (isTransientDbError(error)) {
    request.log.warn({ err: error }, 'database unavailable; answering 503');
    reply.header('retry-after', '1');
    return send(reply, 'serviceUnavailable', [{ field: 'database', value: null, reason: 'unavailable' }]);
  }

  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // fastify's own client errors (bad URL encoding, etc.): their messages are written for clients.
    request.log.info({ err: error }, 'client error');
    return send(reply, 'badRequest', [{ field: 'request', value: null, reason: fastifyError.message }]);
  }

  request.log.error({ err: error }, 'unhandled error');
  return send(reply, 'serverError', []);
}

const CLIENT_ERROR_REASONS: Record<string, string> = {
  HPE_HEADER_OVERFLOW: 'request headers are too large',
  ERR_HTTP_REQUEST_TIMEOUT: 'the request was not received in time',
};

/**
 * Node's HTTP parser refuses a request before fastify routes it (an unknown method token, a broken
 * request line or header): answer in the envelope too, then close — the connection's framing is
 * lost. Fastify's default answer is a bare `{ error, message, statusCode }` body.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const { status, body } = failure('badRequest', [
      {
        field: 'request',
        value: null,
        reason: CLIENT_ERROR_REASONS[error.code ?? ''] ?? 'malformed HTTP request',
      },
    ]);
    const text = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${status} Bad Request\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  }
  socket.destroy(error);
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    const allowed = allowedMethodsOf(app, request);
    if (allowed.length > 0) return methodNotAllowed(reply, request, allowed);
    return send(reply, 'notFound', [
      {
        field: 'route',
        value: null,
        reason: `no route ${request.method} ${request.url.split('?')[0] ?? ''}`,
      },
    ]);
  });
}
