/**
 * buildApp(deps) assembles the payment API from what it is given — pool, idempotency cache,
 * merchant key table, readiness checks, metrics registry — and starts nothing. bin/api.ts wires
 * the real ones and listens; tests build it with their own database and call app.inject().
 */
import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import underPressure from '@fastify/under-pressure';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import type { StrategyKnobs } from '../config.ts';
import { createPayment } from '../db/create-payment.ts';
import { findIdempotencyRecord } from '../db/idempotency-record.ts';
import { PaymentError } from '../domain/result-codes.ts';
import { authenticate, type MerchantKeyTable } from './auth.ts';
import { answerClientError, registerErrorHandling } from './error-handler.ts';
import type { IdempotencyCache } from './idempotency-cache.ts';
import { type ApiMetrics, createApiMetrics } from './metrics.ts';
import { healthRoutes, type ReadinessCheck } from './routes/health.ts';
import { idempotencyKeyRoutes } from './routes/idempotency-keys.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { paymentRoutes } from './routes/payments.ts';

export interface AppDeps {
  pool: pg.Pool;
  cache: IdempotencyCache;
  merchantKeys: MerchantKeyTable;
  hashApiKey: (apiKey: string) => string;
  registry: Registry;
  /** Named dependency checks for /health/ready; `required: false` ones degrade instead of failing. */
  readiness: ReadinessCheck[];
  logger?: FastifyServerOptions['logger'];
  newId?: () => string;
  /** Largest accepted request body. */
  bodyLimitBytes?: number;
  /** The apiCommit strategy knob (config.strategy.apiCommit); commit-first unless told otherwise. */
  commit?: StrategyKnobs['apiCommit'];
  /** Event-loop delay above which merchant routes shed load with 503 + Retry-After, and how often it is sampled. */
  overload?: { maxEventLoopDelayMs?: number; sampleIntervalMs?: number };
}

/** Thrown by under-pressure when the event loop lags; the root error handler answers 503 + Retry-After. */
class OverloadedError extends PaymentError {
  constructor() {
    super('serviceUnavailable', [{ field: 'server', value: null, reason: 'overloaded; retry later' }], {
      retryAfterSeconds: 1,
    });
  }
}

export interface PaymentApi {
  app: FastifyInstance;
  metrics: ApiMetrics;
}

export async function buildApp(deps: AppDeps): Promise<PaymentApi> {
  const newId = deps.newId ?? randomUUID;
  const app = Fastify({
    logger: deps.logger ?? false,
    // One line per request at load-test rates costs more CPU than the API itself; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.bodyLimitBytes ?? 64 * 1024,
    // Our own drain answer below speaks the envelope and is counted in the metrics; fastify's does neither.
    return503OnClosing: false,
    // A request Node's HTTP parser refuses still gets the envelope.
    clientErrorHandler: answerClientError,
    // Payment ids are uuids; anything longer is not a route of ours.
    routerOptions: { maxParamLength: 100 },
    ajv: {
      customOptions: {
        // A misspelt or extra field is an error to report, never something to drop silently.
        removeAdditional: false,
        // "100" is not an amount.
        coerceTypes: false,
        // Name every problem at once; bodies are bounded (bodyLimit, maxItems), so this stays cheap.
        allErrors: true,
      },
    },
  });
  const metrics = createApiMetrics(deps.registry);
  // JSON only: a text/plain body would otherwise reach the validator as a string.
  app.removeContentTypeParser('text/plain');

  registerErrorHandling(app);

  // While draining (SIGTERM), requests still arriving on open keep-alive connections are told to
  // go elsewhere instead of starting work the process may not live to finish.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    reply.header('connection', 'close');
    throw new PaymentError(
      'serviceUnavailable',
      [{ field: 'server', value: null, reason: 'shutting down; retry' }],
      {
        retryAfterSeconds: 1,
      },
    );
  });

  app.addHook('onResponse', async (request, reply) => {
    const labels = {
      route: request.routeOptions.url ?? 'unmatched',
      method: request.method,
      status: String(reply.statusCode),
    };
    metrics.httpRequests.inc(labels);
    metrics.httpRequestDuration.observe(labels, reply.elapsedTime / 1000);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'paylab payment API',
        version: '1.0.0',
        description:
          'Envelope: { code, message, data } on success, { code, message, errors: [{ field, value, reason }] } on failure.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    },
  });

  app.decorateRequest('merchantId', '');

  await app.register(healthRoutes(deps.readiness));
  await app.register(metricsRoutes(deps.registry));
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // Merchant routes live in their own encapsulated scope, so the auth hook covers exactly them.
  await app.register(async (merchantScope) => {
    // Shedding covers merchant routes only: health and /metrics must keep answering under overload.
    await merchantScope.register(underPressure, {
      maxEventLoopDelay: deps.overload?.maxEventLoopDelayMs ?? 1_000,
      sampleInterval: deps.overload?.sampleIntervalMs ?? 1_000,
      customError: OverloadedError,
    });
    merchantScope.addHook('onRequest', authenticate(deps.merchantKeys, deps.hashApiKey));
    await merchantScope.register(idempotencyKeyRoutes(deps.pool));
    await merchantScope.register(
      paymentRoutes({
        pool: deps.pool,
        metrics,
        newId,
        flow: {
          createPayment: (command) => createPayment(deps.pool, command),
          findRecord: (merchantId, key) => findIdempotencyRecord(deps.pool, merchantId, key),
          commit: deps.commit ?? 'commit-first',
          onWriteBehindSettled: (outcome, error) => {
            if (outcome === 'failed')
              app.log.warn({ err: error }, 'a create answered 201 before its write failed to commit');
          },
          cache: deps.cache,
          metrics,
          newId,
        },
      }),
    );
  });

  return { app, metrics };
}
