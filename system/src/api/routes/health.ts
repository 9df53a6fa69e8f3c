/**
 * Liveness (the process answers) and readiness (its dependencies answer). Redis is not required:
 * the API stays correct without it (the database decides idempotency), so a Redis outage reports
 * "degraded" with 200 instead of taking the API out of rotation.
 */
import type { FastifyInstance } from 'fastify';
import { success, failure } from '../envelope.ts';
import { failureSchema, healthResponseSchema } from '../schemas.ts';

export interface ReadinessCheck {
  name: string;
  required: boolean;
  check: () => Promise<void>;
}

const CHECK_TIMEOUT_MS = 1_000;

async function run(check: ReadinessCheck): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.check(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
          CHECK_TIMEOUT_MS,
        );
      }),
    ]);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(checks: readonly ReadinessCheck[]) {
  return async function register(app: FastifyInstance): Promise<void> {
    app.get(
      '/health/live',
      { schema: { summary: 'The process is up', tags: ['health'], response: { 200: healthResponseSchema } } },
      async (_request, reply) => {
        const { status, body } = success('ok', { status: 'live' });
        return reply.code(status).send(body);
      },
    );

    app.get(
      '/health/ready',
      {
        schema: {
          summary: 'Database and Redis answer (Redis down = degraded, still ready)',
          tags: ['health'],
          response: { 200: healthResponseSchema, 503: failureSchema },
        },
      },
      async (_request, reply) => {
        const results = await Promise.all(checks.map(async (c) => ({ c, problem: await run(c) })));
        const failedRequired = results.filter((r) => r.problem !== undefined && r.c.required);
        if (failedRequired.length > 0) {
          const { status, body } = failure(
            'serviceUnavailable',
            failedRequired.map((r) => ({ field: r.c.name, value: 'down', reason: r.problem ?? 'down' })),
          );
          return reply.code(status).header('retry-after', '1').send(body);
        }
        const degraded = results.some((r) => r.problem !== undefined);
        const { status, body } = success('ok', {
          status: degraded ? 'degraded' : 'ready',
          checks: Object.fromEntries(results.map((r) => [r.c.name, r.problem === undefined ? 'up' : 'down'])),
        });
        return reply.code(status).send(body);
      },
    );
  };
}
