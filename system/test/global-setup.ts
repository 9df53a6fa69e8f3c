/**
 * Vitest global setup of the `integration` project: brings the lab's infrastructure up once per
 * run (the `up --infra` of the lab CLI, migrations included) and, at teardown, stops only what it
 * started — a lab that was already up stays up, because other sessions may be using it.
 *
 * Where a Docker engine answers (and PAYLAB_TEST_RUNTIME is not `native`) the same services come
 * from docker-compose.yml through testcontainers instead. The project's own CI has no Docker
 * engine and never exercises that path.
 */
import { loadConfig } from '../src/config.ts';
import { dockerEngineAnswers } from '../lab/docker/runtime.ts';
import { waitUntil } from '../lab/native/backoff.ts';
import { applyMigrations } from '../lab/native/db.ts';
import { ensureTopics } from '../lab/native/infra-services.ts';
import { NativeRuntime } from '../lab/native/runtime.ts';
import { silenceKafkajsTimerWarning } from '../lab/native/warnings.ts';
import { redisPing, sqlSelectOne, kafkaBrokerAddresses, httpOk } from '../lab/native/probes.ts';
import { databaseUrl, kafkaBrokers } from '../src/config.ts';
import type { ServiceRef } from '../lab/runtime.ts';

const INFRA = ['toxiproxy', 'db', 'redis', 'kafka', 'prometheus'] as const;

const log = (line: string): void => {
  process.stderr.write(`[lab] ${line}\n`);
};

async function nativeSetup(): Promise<() => Promise<void>> {
  const runtime = new NativeRuntime(loadConfig());
  const before = await runtime.status();
  const wasRunning = new Set(before.filter((s) => s.state === 'running').map((s) => s.service));
  const started = Date.now();
  await runtime.up({ stack: false, onProgress: log });
  log(`infrastructure ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  const ours: ServiceRef[] = INFRA.filter((service) => !wasRunning.has(service)).map((service) => ({
    service,
  }));
  return async () => {
    if (ours.length === 0) {
      log('the lab was up before the tests: leaving it up');
      return;
    }
    if (ours.length === INFRA.length) {
      await runtime.down({ onProgress: log });
      return;
    }
    // Reverse start order: clients' dependencies go last.
    for (const ref of [...ours].reverse()) {
      log(`stopping ${ref.service} (started for the tests)`);
      await runtime.stop(ref);
    }
  };
}

async function dockerSetup(): Promise<() => Promise<void>> {
  const config = loadConfig();
  const { DockerComposeEnvironment } = await import('testcontainers');
  log('a Docker engine answers: starting docker-compose.yml through testcontainers');
  const environment = await new DockerComposeEnvironment(config.paths.repoRoot, 'docker-compose.yml')
    .withProjectName('paylab-test')
    .up(['db', 'redis', 'kafka', 'toxiproxy', 'toxiproxy-config', 'prometheus']);
  await waitUntil(
    'db through the proxy',
    () => sqlSelectOne({ connectionString: databaseUrl(config, 'postgres') }),
    { timeoutMs: 120_000 },
  );
  await waitUntil('redis through the proxy', () => redisPing(config.links.redis.listen), {
    timeoutMs: 60_000,
  });
  await waitUntil(
    'kafka through the proxy',
    async () => (await kafkaBrokerAddresses(kafkaBrokers(config))).length > 0,
    { timeoutMs: 180_000 },
  );
  await waitUntil(
    'prometheus',
    () => httpOk(`http://${config.services.prometheus.host}:${config.services.prometheus.port}/-/ready`),
    { timeoutMs: 60_000 },
  );
  await ensureTopics(config);
  await applyMigrations(config, log);
  return async () => {
    await environment.down();
  };
}

export default async function setup(): Promise<() => Promise<void>> {
  silenceKafkajsTimerWarning();
  const wantsDocker = process.env.PAYLAB_TEST_RUNTIME !== 'native' && (await dockerEngineAnswers());
  return wantsDocker ? dockerSetup() : nativeSetup();
}
