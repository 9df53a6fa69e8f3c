/**
 * Entry point of the mock payment gateway: loopback only, seeded from the lab config, admin API
 * guarded by the lab's pg-mock admin token, ledger and fault profile kept under the lab's state
 * folder (.lab/state/pg-mock) so a crash or restart forgets nothing — `npm run lab -- reset` empties
 * them. SIGTERM/SIGINT close it gracefully (in-flight answers finish; deliberately held "charge
 * then time out" sockets are closed at once).
 */
import path from 'node:path';
import { buildPgMock } from '../../pg-mock/server.ts';
import { LOOPBACK, loadConfig } from '../config.ts';
import { loadSecrets } from '../secrets.ts';

const config = loadConfig();
const secrets = loadSecrets(config);
const { host, port } = config.services.pgMock;
if (host !== LOOPBACK) throw new Error(`pg-mock must listen on loopback, config says ${host}`);

const stateDir = path.join(config.paths.stateDir, 'pg-mock');
function build(): ReturnType<typeof buildPgMock> {
  try {
    return buildPgMock({
      seed: config.seed,
      stateDir,
      adminToken: secrets.pgMockAdminToken,
      logger: { level: 'info' },
      defaultMetrics: true,
      // The disk refused an fsync: what the book holds may not be on disk. Exit; the restart
      // replays the journal (the lab's supervisor or the chaos engine starts it again).
      onJournalFailure: (error) => {
        console.error(`pg-mock: the ledger journal could not be made durable: ${error.message}`);
        process.exit(1);
      },
    });
  } catch (error) {
    // A damaged journal: say which file and what to do, without a stack trace.
    console.error(
      `pg-mock cannot open its ledger: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  }
}
const { app, ledger } = build();

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
  const { captures, liveCaptures, declines, refunds } = ledger.summary();
  app.log.info(
    { seed: config.seed, stateDir, ledger: { captures, liveCaptures, declines, refunds } },
    'pg-mock ready',
  );
} catch (error) {
  app.log.error({ err: error }, 'pg-mock failed to start');
  process.exit(1);
}
