// The app containers' Docker healthcheck: GET the service's health endpoint on its own port.
// Plain JavaScript on purpose — it runs every 2 s with `node` alone (no tsx, no node_modules), in
// an image without curl or wget. The ports are config.ts defaults (the compose file uses those);
// system/lab/docker/compose-spec.test.ts keeps them equal to config.ts.
/* global fetch, AbortSignal */
import process from 'node:process';

/** Default ports and health paths of the app services (config.ts defaults; relay/worker: base + i). */
export const APP_HEALTH = {
  api: { port: 18080, path: '/health/ready' },
  'pg-mock': { port: 18081, path: '/health' },
  relay: { port: 18100, path: '/health' },
  worker: { port: 18200, path: '/health' },
};

/** @param {string | undefined} service @param {string | undefined} instance @returns {string | null} */
export function healthUrl(service, instance) {
  const entry = service === undefined ? undefined : APP_HEALTH[/** @type {keyof APP_HEALTH} */ (service)];
  if (entry === undefined) return null;
  const i = Number(instance ?? '0');
  const multi = service === 'relay' || service === 'worker';
  return `http://127.0.0.1:${entry.port + (multi ? i : 0)}${entry.path}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = healthUrl(process.env.PAYLAB_SERVICE, process.env.PAYLAB_INSTANCE);
  if (url === null) {
    process.stderr.write(`healthcheck: unknown PAYLAB_SERVICE ${process.env.PAYLAB_SERVICE ?? '(unset)'}\n`);
    process.exit(1);
  }
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2500) });
    process.exit(response.ok ? 0 : 1);
  } catch {
    process.exit(1);
  }
}
