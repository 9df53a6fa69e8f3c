/**
 * Vitest global setup of the `integration` project: brings the lab's infrastructure up once per
 * run (the `up --infra` of the lab CLI, migrations included) and, at teardown, stops only what it
 * started — a lab that was already up stays up, because other sessions may be using it.
 *
 * Where a Docker engine answers (and PAYLAB_TEST_RUNTIME is not `native`) the same services come
 * from docker-compose.yml through testcontainers instead. The project's own CI has no Docker
 * engine and never exercises that path.
 */
import fs from 'node:fs';
import { loadConfig } from '../src/config.ts';
import { loadSecrets } from '../src/secrets.ts';
import { dockerEngineAnswers } from '../lab/docker/runtime.ts';
import { waitUntil } from '../lab/native/backoff.ts';
import { applyMigrations } from '../lab/native/db.ts';
import { ensureTopics } from '../lab/native/infra-services.ts';
import { NativeRuntime } from '../lab/native/runtime.ts';
import { silenceKafkajsTimerWarning } from '../src/kafkajs-timer-warning.ts';
import { redisPing, sqlSelectOne, kafkaBrokerAddresses, httpOk } from '../lab/native/probes.ts';
import { databaseUrl, kafkaBrokers } from '../src/config.ts';
import type { ServiceStatus } from '../lab/runtime.ts';

const log = (line: string): void => {
  process.stderr.write(`[lab] ${line}\n`);
};

const labelOf = (s: ServiceStatus): string =>
  s.service === 'relay' || s.service === 'worker' ? `${s.service}-${s.instance}` : s.service;

/**
 * The whole lab, payment stack included: some suites drive the lab's own api and pg-mock. Services
 * already running are left exactly as they are (another session may be running a scenario with
 * other strategy knobs on them).
 */
async function nativeSetup(): Promise<() => Promise<void>> {
  const runtime = new NativeRuntime(loadConfig());
  const running = (statuses: ServiceStatus[]): ServiceStatus[] =>
    statuses.filter((s) => s.state === 'running');
  const before = new Set(running(await runtime.status()).map(labelOf));
  const started = Date.now();
  await runtime.up({ stack: true, keepRunning: true, onProgress: log });
  log(`lab ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  const ours = running(await runtime.status()).filter((s) => !before.has(labelOf(s)));
  return async () => {
    if (ours.length === 0) {
      log('the lab was up before the tests: leaving it up');
      return;
    }
    if (before.size === 0) {
      await runtime.down({ onProgress: log });
      return;
    }
    // Apps first, then infrastructure in reverse start order.
    for (const status of [...ours].reverse()) {
      log(`stopping ${labelOf(status)} (started for the tests)`);
      await runtime.stop({ service: status.service, instance: status.instance });
    }
  };
}

async function dockerSetup(): Promise<() => Promise<void>> {
  const config = loadConfig();
  const { DockerComposeEnvironment } = await import('testcontainers');
  log('a Docker engine answers: starting docker-compose.yml through testcontainers');
  // As the docker runtime does: secrets made on the host as this user, containers run with its ids.
  loadSecrets(config);
  fs.mkdirSync(config.paths.reportsDir, { recursive: true });
  const environment = await new DockerComposeEnvironment(config.paths.repoRoot, 'docker-compose.yml')
    .withProjectName('paylab-test')
    .withEnvironment({
      PAYLAB_UID: String(process.getuid?.() ?? 1000),
      PAYLAB_GID: String(process.getgid?.() ?? 1000),
    })
    .up();
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
