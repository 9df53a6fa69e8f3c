/**
 * The worker process: `node system/src/bin/worker.ts`, PAYLAB_INSTANCE=<i>, strategy
 * from PAYLAB_WORKER_PG_RETRY / PAYLAB_WORKER_GUARD. SIGTERM finishes in-flight messages, commits
 * their offsets and leaves the group.
 */
import { loadConfig } from '../config.ts';
import { instanceFromEnv, logLine } from './service-http.ts';
import { startWorkerService } from './worker-service.ts';

const instance = instanceFromEnv();
const log = logLine(`worker-${instance}`);
const service = await startWorkerService(loadConfig(), instance, { log });

let shuttingDown = false;
async function shutdown(signal: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  log(`${signal}: finishing in-flight messages and committing`);
  await service.stop();
  log('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
