/**
 * Entry point of the mock payment gateway: loopback only, seeded from the lab config, admin API
 * guarded by the lab's pg-mock admin token. SIGTERM/SIGINT close it gracefully (in-flight answers
 * finish; deliberately held "charge then time out" sockets are closed at once).
 */
import { buildPgMock } from '../../pg-mock/server.ts';
import { LOOPBACK, loadConfig } from '../config.ts';
import { loadSecrets } from '../secrets.ts';

const config = loadConfig();
const secrets = loadSecrets(config);
const { host, port } = config.services.pgMock;
if (host !== LOOPBACK) throw new Error(`pg-mock must listen on loopback, config says ${host}`);

const { app } = buildPgMock({
  seed: config.seed,
  adminToken: secrets.pgMockAdminToken,
  logger: { level: 'info' },
  defaultMetrics: true,
});

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  app.log.info({ signal }, 'pg-mock shutting down');
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  await app.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

try {
  await app.listen({ host, port });
  app.log.info({ seed: config.seed }, 'pg-mock ready');
} catch (error) {
  app.log.error({ err: error }, 'pg-mock failed to start');
  process.exit(1);
}
