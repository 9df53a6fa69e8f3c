/**
 * The outbox relay process: `node system/src/bin/relay.ts`, PAYLAB_INSTANCE=<i>,
 * strategy from PAYLAB_RELAY_ACK / PAYLAB_RELAY_ORDER. SIGTERM finishes the round in flight.
 */
import { loadConfig } from '../config.ts';
import { startRelayService } from './relay-service.ts';
import { instanceFromEnv, logLine } from './service-http.ts';

const instance = instanceFromEnv();
const log = logLine(`relay-${instance}`);
const service = await startRelayService(loadConfig(), instance, { log });

let shuttingDown = false;
async function shutdown(signal: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  log(`${signal}: finishing the round in flight`);
  await service.stop();
  log('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
