/** GET /metrics in Prometheus text format. Unauthenticated: it serves loopback scrapes and holds no secrets. */
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export function metricsRoutes(registry: Registry) {
  return async function register(app: FastifyInstance): Promise<void> {
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      const text = await registry.metrics();
      return reply.type(registry.contentType).send(text);
    });
  };
}
