/**
 * Builds the mock payment gateway. Started separately (src/bin/pg-mock.ts) so tests can run it
 * in-process on port 0 and inspect its ledger and fault engine directly.
 */
import Fastify, {
  LogController,
  type FastifyError,
  type FastifyInstance,
  type FastifyServerOptions,
} from 'fastify';
import path from 'node:path';
import { registerAdminRoutes } from './admin-routes.ts';
import type { FaultProfile } from './contract.ts';
import { errorBody } from './errors.ts';
import { loadStoredProfile, persistFaults } from './durable-faults.ts';
import { createCaptureHolds } from './capture-holds.ts';
import { createFaultEngine, type FaultEngine } from './fault-engine.ts';
import { createHeldSockets } from './held-sockets.ts';
import { type JournalOptions, openJournal } from './journal.ts';
import { createLedger, type Ledger, type LedgerRecord } from './ledger.ts';
import { createPgMetrics, type PgMetrics } from './metrics.ts';
import { registerPgRoutes, type PgState } from './pg-routes.ts';

export interface PgMockOptions {
  seed: number;
  adminToken: string;
  /** Starting fault profile (default: no faults). */
  faults?: Partial<Omit<FaultProfile, 'seed'>>;
  logger?: FastifyServerOptions['logger'];
  /** Node process metrics (event loop, heap); off in tests that build many instances. */
  defaultMetrics?: boolean;
  /** Where the ledger journal and the fault profile live, so a restart forgets nothing (the lab
   *  passes .lab/state/pg-mock). Without it everything is in memory (in-process tests). */
  stateDir?: string;
  /** Told when the ledger's journal could not be made durable (an fsync failed): the book in
   *  memory may hold what the disk does not, so the process should exit and replay at start.
   *  Every answer fails meanwhile. */
  onJournalFailure?: (error: Error) => void;
  /** The journal's fsync (tests hold it to see that answers wait for it). Default fs.fsync. */
  journalFsync?: JournalOptions['fsync'];
}

export function ledgerJournalFile(stateDir: string): string {
  return path.join(stateDir, 'ledger.jsonl');
}

function durableParts(options: PgMockOptions): { ledger: Ledger; faults: FaultEngine } {
  if (options.stateDir === undefined) {
    return { ledger: createLedger(), faults: createFaultEngine(options.seed, options.faults) };
  }
  const journal = openJournal<LedgerRecord>(ledgerJournalFile(options.stateDir), {
    onFatal: options.onJournalFailure,
    fsync: options.journalFsync,
  });
  const ledger = createLedger({ journal });
  const faultsFile = path.join(options.stateDir, 'faults.json');
  const stored = loadStoredProfile(faultsFile, options.seed);
  const engine = stored
    ? createFaultEngine(stored.seed, stored)
    : createFaultEngine(options.seed, options.faults);
  return { ledger, faults: persistFaults(engine, faultsFile, options.seed) };
}

export interface PgMock {
  app: FastifyInstance;
  ledger: Ledger;
  faults: FaultEngine;
  metrics: PgMetrics;
}

export function buildPgMock(options: PgMockOptions): PgMock {
  if (options.adminToken.length < 16)
    throw new Error('pg-mock: the admin token must be at least 16 characters');
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 16 * 1024,
    // Under load a line per request would cost more CPU than the mock itself; metrics count them.
    logController: new LogController({ disableRequestLogging: true }),
    // Keys (up to 200 characters, up to 9 once percent-encoded) travel in inquiry paths;
    // the default limit (100) would answer long ones with 404.
    routerOptions: { maxParamLength: 2000 },
  });
  const metrics = createPgMetrics({ defaultMetrics: options.defaultMetrics ?? false });
  const { ledger, faults } = durableParts(options);
  const state: PgState = {
    ledger,
    faults,
    metrics,
    held: createHeldSockets(),
    // A key the ledger holds was seen before a restart: its trigger must not fire a second time.
    seenKeys: new Set(ledger.entries().map((e) => e.pgIdempotencyKey)),
    holds: createCaptureHolds(),
  };
  metrics.showProfile(state.faults.profile());

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send(errorBody(error.code ?? 'bad_request', error.message));
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.code(500).send(errorBody('internal_error', 'internal error'));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody('no_route', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );

  // An empty JSON body (a POST /admin/faults/reset sent with a JSON content type) means "no body",
  // not a parse error; anything else goes through fastify's own parser (proto-poisoning checks kept).
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    return jsonParser(request, text, done);
  });

  // Group commit: no answer leaves before every booking, refund and void made so far is on disk —
  // the one it reports included. Waiting for all of them, not only its own, also covers an answer
  // that reports another request's booking (a replayed capture, an inquiry) made a moment ago.
  app.addHook('onSend', async () => {
    await state.ledger.durable();
  });

  app.addHook('preClose', async () => {
    state.held.releaseAll();
    state.holds.releaseAll();
  });

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/metrics', async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
  registerPgRoutes(app, state);
  registerAdminRoutes(app, state, options.adminToken);

  return { app, ledger: state.ledger, faults: state.faults, metrics };
}
