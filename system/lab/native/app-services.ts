/**
 * The payment stack's processes: `node system/src/bin/<name>.ts`, one process each. Node (≥ 22.18,
 * the engines floor is 22.22) strips the types itself — the code base is erasable-syntax only
 * (tsconfig `erasableSyntaxOnly`, `.ts` import specifiers) — so no transpiler (tsx) sits in the
 * services' start-up or memory, and nothing is compiled at run time.
 */
import path from 'node:path';
import { knobEnvOf, strategyEnv, type AppService, type LabConfig } from '../../src/config.ts';
import { httpOk } from './probes.ts';
import type { ServiceDef } from './service-def.ts';

/** Environment marker the lab recognises its app processes by in /proc/<pid>/environ. */
export function appMarker(config: LabConfig): string {
  return `PAYLAB_SUPERVISED_BY=${config.paths.labDir}`;
}

export function appEntry(config: LabConfig, service: AppService): string {
  return path.join(config.paths.repoRoot, 'system', 'src', 'bin', `${service}.ts`);
}

export function appPort(config: LabConfig, service: AppService, instance: number): number {
  switch (service) {
    case 'api':
      return config.services.api.port;
    case 'pg-mock':
      return config.services.pgMock.port;
    case 'relay':
      return config.services.relayMetricsBase + instance;
    case 'worker':
      return config.services.workerMetricsBase + instance;
  }
}

/** The contract is GET /health; the api splits it into /health/live and /health/ready (readiness counts). */
async function appHealthy(base: string): Promise<boolean> {
  const response = await fetch(`${base}/health`, { signal: AbortSignal.timeout(2000) });
  await response.body?.cancel();
  if (response.status !== 404) return response.ok;
  return httpOk(`${base}/health/ready`);
}

/** The settings each service reads (config.ts KNOBS); PAYLAB_SEED drives the PG's randomness. */
const SETTINGS_ENV: Record<AppService, string[]> = {
  api: knobEnvOf('api'),
  'pg-mock': ['PAYLAB_SEED'],
  // Kafka clients bootstrap from every broker's proxy: a switch to or from the cluster restarts them.
  // The relay's producer library (config.ts KAFKA_CLIENTS) too: a switch restarts the relay.
  relay: [...knobEnvOf('relay'), 'PAYLAB_KAFKA_BROKERS', 'PAYLAB_KAFKA_CLIENT'],
  worker: [...knobEnvOf('worker'), 'PAYLAB_KAFKA_BROKERS'],
};

export function appService(service: AppService, instance: number): ServiceDef {
  const multi = service === 'relay' || service === 'worker';
  return {
    service,
    instance,
    label: multi ? `${service}-${instance}` : service,
    address: (config) => `${config.services.api.host}:${appPort(config, service, instance)}`,
    tools: [],
    launch: (ctx) => ({
      cmd: process.execPath,
      args: [appEntry(ctx.config, service)],
      env: {
        ...process.env,
        ...strategyEnv(ctx.strategy),
        PAYLAB_KAFKA_BROKERS: String(ctx.config.kafka.brokers),
        PAYLAB_KAFKA_CLIENT: ctx.config.kafka.client,
        PAYLAB_INSTANCE: String(instance),
        PAYLAB_SUPERVISED_BY: ctx.config.paths.labDir,
      },
      cwd: ctx.config.paths.repoRoot,
      marker: appMarker(ctx.config),
      identifiers: [appEntry(ctx.config, service), `PAYLAB_INSTANCE=${instance}`],
      settingsEnv: SETTINGS_ENV[service],
    }),
    healthy: (ctx) =>
      appHealthy(`http://${ctx.config.services.api.host}:${appPort(ctx.config, service, instance)}`),
    stopSignal: 'SIGTERM',
    graceMs: 10_000,
    startTimeoutMs: 60_000,
  };
}
