/** POST /idempotency-keys: a fresh key for a client that has no good source of unique ids. */
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { issueIdempotencyKey } from '../../db/issue-idempotency-key.ts';
import { success } from '../envelope.ts';
import { commonFailures, issuedKeyResponseSchema } from '../schemas.ts';

export function idempotencyKeyRoutes(pool: pg.Pool) {
  return async function register(app: FastifyInstance): Promise<void> {
    app.post(
      '/idempotency-keys',
      {
        schema: {
          summary: 'Issue an idempotency key for one payment attempt',
          operationId: 'issueIdempotencyKey',
          tags: ['idempotency'],
          security: [{ bearerAuth: [] }],
          response: { 201: issuedKeyResponseSchema, ...commonFailures },
        },
        links: {
          201: {
            CreatePaymentWithKey: {
              operationId: 'createPayment',
              parameters: { 'header.idempotency-key': '$response.body#/data/idempotencyKey' },
              description: 'Create a payment under the issued key',
            },
          },
        },
      },
      async (request, reply) => {
        const issued = await issueIdempotencyKey(pool, request.merchantId);
        const { status, body } = success('idempotencyKeyIssued', issued);
        return reply.code(status).send(body);
      },
    );
  };
}
