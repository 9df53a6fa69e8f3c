/**
 * The admin API used by the chaos engine, the checker and requests/pg-admin.http: the fault profile
 * and the ledger. Encapsulated under /admin so the auth hook guards these routes and no others.
 */
import type { FastifyInstance } from 'fastify';
import { bearerMatches, isLoopback } from './admin-auth.ts';
import { badRequest, errorBody } from './errors.ts';
import type { PgState } from './pg-routes.ts';
import { applyFaultPatch } from './validation.ts';

export function registerAdminRoutes(app: FastifyInstance, state: PgState, adminToken: string): void {
  const { faults, ledger, metrics } = state;

  app.register(
    async (admin) => {
      admin.addHook('onRequest', async (request, reply) => {
        if (!isLoopback(request.socket.remoteAddress)) {
          return reply.code(403).send(errorBody('forbidden', 'the admin API answers loopback callers only'));
        }
        if (!bearerMatches(request.headers.authorization, adminToken)) {
          return reply
            .code(401)
            .header('www-authenticate', 'Bearer')
            .send(
              errorBody(
                'unauthorized',
                'send Authorization: Bearer <pgMockAdminToken> (see .lab/secrets.json)',
              ),
            );
        }
      });

      admin.get('/faults', async () => faults.profile());

      admin.put('/faults', async (request, reply) => {
        const checked = applyFaultPatch(faults.profile(), request.body);
        if (!checked.ok) return reply.code(400).send(badRequest(checked.errors));
        faults.setProfile(checked.value);
        metrics.showProfile(checked.value);
        request.log.info({ faults: checked.value }, 'fault profile changed');
        return checked.value;
      });

      admin.post('/faults/reset', async (request) => {
        faults.reset();
        const profile = faults.profile();
        metrics.showProfile(profile);
        request.log.info('fault profile reset');
        return profile;
      });

      admin.get<{ Querystring: { paymentId?: string } }>('/ledger', async (request) => {
        const { paymentId } = request.query;
        return ledger.entries(typeof paymentId === 'string' ? { paymentId } : {});
      });

      // Holds: a capture of a held key reaches the PG and waits there, unbooked, until released.
      admin.get('/holds', async () => state.holds.list());

      admin.put<{ Params: { pgIdempotencyKey: string } }>('/holds/:pgIdempotencyKey', async (request) =>
        state.holds.hold(request.params.pgIdempotencyKey),
      );

      admin.delete<{ Params: { pgIdempotencyKey: string } }>('/holds/:pgIdempotencyKey', async (request) => {
        const released = state.holds.release(request.params.pgIdempotencyKey);
        // The released captures book in the microtasks that follow; answer once they have.
        await new Promise((resolve) => setImmediate(resolve));
        return { released };
      });

      admin.get('/ledger/summary', async () => ledger.summary());

      admin.post('/ledger/reset', async (request) => {
        const cleared = ledger.entries().length;
        ledger.reset();
        state.seenKeys.clear();
        faults.forgetAttempts();
        request.log.info({ cleared }, 'ledger reset');
        return { cleared };
      });
    },
    { prefix: '/admin' },
  );
}
