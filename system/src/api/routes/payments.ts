/** /payments: create (idempotent), read, and request a cancel. Every route here is merchant-authenticated. */
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { type CreatePaymentInput, hasUnpairedSurrogate } from '../../domain/payment-request.ts';
import { PaymentError } from '../../domain/result-codes.ts';
import { findPayment } from '../../db/find-payment.ts';
import { requestCancel } from '../../db/request-cancel.ts';
import { type CreatePaymentFlowDeps, createPaymentFlow } from '../create-payment-flow.ts';
import { success } from '../envelope.ts';
import type { ApiMetrics } from '../metrics.ts';
import {
  cancelBodySchema,
  commonFailures,
  createPaymentBodySchema,
  failureSchema,
  idempotencyKeyHeaderSchema,
  paymentIdParamsSchema,
  paymentResponseSchema,
} from '../schemas.ts';

export interface PaymentRoutesDeps {
  pool: pg.Pool;
  flow: CreatePaymentFlowDeps;
  metrics: ApiMetrics;
  newId: () => string;
}

const security = [{ bearerAuth: [] }];

function notFound(id: string): PaymentError {
  return new PaymentError('notFound', [
    { field: 'id', value: id, reason: 'no such payment for this merchant' },
  ]);
}

export function paymentRoutes(deps: PaymentRoutesDeps) {
  return async function register(app: FastifyInstance): Promise<void> {
    app.post<{ Body: CreatePaymentInput; Headers: { 'idempotency-key': string } }>(
      '/payments',
      {
        schema: {
          summary: 'Request a payment (idempotent: reuse the Idempotency-Key to retry safely)',
          operationId: 'createPayment',
          tags: ['payments'],
          security,
          headers: idempotencyKeyHeaderSchema,
          body: createPaymentBodySchema,
          response: { 201: paymentResponseSchema, 409: failureSchema, 422: failureSchema, ...commonFailures },
        },
        // The created payment's id flows into reading and canceling it (clients and fuzzers follow these).
        links: {
          201: {
            GetCreatedPayment: {
              operationId: 'getPayment',
              parameters: { id: '$response.body#/data/id' },
              description: 'Read the payment just created',
            },
            CancelCreatedPayment: {
              operationId: 'cancelPayment',
              parameters: { id: '$response.body#/data/id' },
              description: 'Request a cancel of the payment just created',
            },
          },
        },
      },
      async (request, reply) => {
        const result = await createPaymentFlow(
          deps.flow,
          request.merchantId,
          request.headers['idempotency-key'],
          request.body,
        );
        if (result.replayed) reply.header('idempotent-replayed', 'true');
        return reply.code(result.status).type('application/json; charset=utf-8').send(result.body);
      },
    );

    app.get<{ Params: { id: string } }>(
      '/payments/:id',
      {
        schema: {
          summary: "A payment's current state",
          operationId: 'getPayment',
          tags: ['payments'],
          security,
          params: paymentIdParamsSchema,
          response: { 200: paymentResponseSchema, 404: failureSchema, ...commonFailures },
        },
      },
      async (request, reply) => {
        const payment = await findPayment(deps.pool, request.merchantId, request.params.id);
        if (!payment) throw notFound(request.params.id);
        const { status, body } = success('paymentStatus', payment);
        return reply.code(status).send(body);
      },
    );

    app.post<{ Params: { id: string }; Body: { reason?: string } }>(
      '/payments/:id/cancel',
      {
        schema: {
          summary: 'Request a cancel; the worker cancels before capture or refunds after it',
          operationId: 'cancelPayment',
          tags: ['payments'],
          security,
          params: paymentIdParamsSchema,
          body: cancelBodySchema,
          response: { 202: paymentResponseSchema, 404: failureSchema, 409: failureSchema, ...commonFailures },
        },
        // A cancel needs no body; treat "no body" as "no reason given" rather than a schema failure.
        preValidation: async (request) => {
          if (request.body === undefined || request.body === null) request.body = {};
        },
      },
      async (request, reply) => {
        if (request.body.reason !== undefined && hasUnpairedSurrogate(request.body.reason)) {
          throw new PaymentError('badRequest', [
            { field: '/reason', value: null, reason: 'holds an unpaired UTF-16 surrogate' },
          ]);
        }
        const result = await requestCancel(deps.pool, {
          merchantId: request.merchantId,
          paymentId: request.params.id,
          eventId: deps.newId(),
          reason: request.body.reason ?? 'requested by merchant',
        });
        switch (result.kind) {
          case 'not-found':
            throw notFound(request.params.id);
          case 'refused':
            throw new PaymentError('paymentNotCancelable', [
              { field: 'state', value: result.state, reason: result.reason },
            ]);
          case 'requested':
          case 'already-requested': {
            if (result.kind === 'requested') deps.metrics.cancelsRequested.inc();
            const { status, body } = success('cancelRequested', result.payment);
            return reply.code(status).send(body);
          }
        }
      },
    );
  };
}
