/**
 * The tools the native lab needs, installed on first use: Debian packages through apt-get,
 * Toxiproxy and k6 through `go install` into the project's tools folder, Kafka's jars through
 * Maven from Maven Central. Every install is a named step; a failure names the tool and how to
 * install it by hand.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LabConfig } from '../../src/config.ts';
import { run, runOrThrow, which } from './exec.ts';
import { step, type ProgressSink } from './progress.ts';

export interface ToolPaths {
  postgresBin: string;
  redisServer: string;
  prometheus: string;
  java: string;
  toxiproxyServer: string;
  k6: string;
  kafkaLibs: string;
  /** The Prometheus JMX exporter java agent every broker loads (per-broker metrics). */
  jmxExporterAgent: string;
}

export class ToolInstallError extends Error {
  override name = 'ToolInstallError';
}

const TOXIPROXY_MODULE = 'github.com/Shopify/toxiproxy/v2/cmd/server';
const K6_MODULE = 'go.k6.io/k6';

/** Where each tool lives; pure, so the scenario runner can find k6 without installing anything. */
export function toolPaths(config: LabConfig): ToolPaths {
  const bin = path.join(config.paths.toolsDir, 'bin');
  return {
    postgresBin: `/usr/lib/postgresql/${config.versions.postgresMajor}/bin`,
    redisServer: '/usr/bin/redis-server',
    prometheus: '/usr/bin/prometheus',
    java: which('java') ?? '/usr/bin/java',
    toxiproxyServer: path.join(bin, `toxiproxy-server-${config.versions.toxiproxy}`),
    k6: path.join(bin, `k6-${config.versions.k6}`),
    kafkaLibs: path.join(
      config.paths.toolsDir,
      `kafka_${config.versions.scala}-${config.versions.kafka}`,
      'libs',
    ),
    jmxExporterAgent: path.join(
      config.paths.toolsDir,
      `jmx_prometheus_javaagent-${config.versions.jmxExporter}.jar`,
    ),
  };
}

function installLog(config: LabConfig): string {
  fs.mkdirSync(config.paths.logsDir, { recursive: true });
  return path.join(config.paths.logsDir, 'install.log');
}

let aptUpdated = false;

export async function aptInstall(config: LabConfig, pkg: string): Promise<void> {
  const hint = `install it by hand with: sudo apt-get update && sudo apt-get install -y ${pkg}`;
  if (!which('apt-get'))
    throw new ToolInstallError(`${pkg} is missing and apt-get is not available; ${hint}`);
  if (process.getuid?.() !== 0)
    throw new ToolInstallError(`${pkg} is missing and installing it needs root; ${hint}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const logFile = installLog(config);
  const install = (): Promise<{ code: number; output: string }> =>
    run('apt-get', ['install', '-y', '--no-install-recommends', pkg], { env, logFile });
  let result = await install();
  // A fresh machine's package lists may be missing or stale: update only when the install needs it.
  if (result.code !== 0 && !aptUpdated) {
    aptUpdated = true;
    await run('apt-get', ['update'], { env, logFile });
    result = await install();
  }
  if (result.code !== 0) {
    const tail = result.output.trim().split('\n').slice(-5).join('\n');
    throw new ToolInstallError(`apt-get could not install ${pkg} (see ${logFile}):\n${tail}\n${hint}`);
  }
}

async function ensureApt(config: LabConfig, sink: ProgressSink, binary: string, pkg: string): Promise<void> {
  if (fs.existsSync(binary)) return;
  await step(sink, `installing ${pkg} (apt-get)`, () => aptInstall(config, pkg));
  if (!fs.existsSync(binary))
    throw new ToolInstallError(`${pkg} was installed but ${binary} is still missing`);
}

async function goInstall(
  config: LabConfig,
  sink: ProgressSink,
  module: string,
  version: string,
  target: string,
): Promise<void> {
  if (fs.existsSync(target)) return;
  const go = which('go') ?? (fs.existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  const spec = `${module}@${version}`;
  if (!go) {
    throw new ToolInstallError(
      `Go is needed to build ${spec} but no 'go' is on PATH; install Go (https://go.dev/doc/install or apt-get install golang-go) and run up again`,
    );
  }
  const gobin = fs.mkdtempSync(path.join(os.tmpdir(), 'paylab-gobin-'));
  try {
    await step(sink, `building ${spec} with go install (first time only; several minutes)`, () =>
      runOrThrow(`go install ${spec}`, go, ['install', spec], {
        env: {
          ...process.env,
          GOBIN: gobin,
          GOPROXY: process.env.GOPROXY || 'https://proxy.golang.org',
          GOFLAGS: '-trimpath',
          CGO_ENABLED: '0',
        },
        logFile: installLog(config),
      }),
    );
    const built = fs.readdirSync(gobin);
    const binary = built[0];
    if (built.length !== 1 || binary === undefined) {
      throw new ToolInstallError(
        `go install ${spec} produced ${built.length} files in ${gobin}, expected one`,
      );
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    // Copy then rename: a half-copied binary must never look installed.
    fs.copyFileSync(path.join(gobin, binary), `${target}.partial`);
    fs.chmodSync(`${target}.partial`, 0o755);
    fs.renameSync(`${target}.partial`, target);
  } catch (error) {
    if (error instanceof ToolInstallError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ToolInstallError(
      `${message}\nTo install by hand: GOBIN=${path.dirname(target)} GOPROXY=https://proxy.golang.org go install ${spec} && mv ${path.dirname(target)}/${path.basename(module)} ${target}`,
    );
  } finally {
    fs.rmSync(gobin, { recursive: true, force: true });
  }
}

async function ensureKafkaJars(config: LabConfig, sink: ProgressSink, libs: string): Promise<void> {
  const stamp = path.join(path.dirname(libs), '.complete');
  if (fs.existsSync(stamp)) return;
  const pom = path.join(config.paths.repoRoot, 'system', 'lab', 'kafka', 'pom.xml');
  const hint = `install Maven (apt-get install -y maven) or run by hand: mvn -f ${pom} -Dkafka.version=${config.versions.kafka} dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=${libs}`;
  await ensureApt(config, sink, '/usr/bin/mvn', 'maven').catch((error: unknown) => {
    throw new ToolInstallError(`Maven is needed to fetch Kafka's jars: ${(error as Error).message}\n${hint}`);
  });
  fs.rmSync(libs, { recursive: true, force: true });
  await step(sink, `fetching Apache Kafka ${config.versions.kafka} jars from Maven Central`, async () => {
    try {
      await runOrThrow(
        'mvn dependency:copy-dependencies',
        'mvn',
        [
          '-q',
          '-B',
          '-f',
          pom,
          `-Dkafka.version=${config.versions.kafka}`,
          `-Dscala.binary=${config.versions.scala}`,
          'dependency:copy-dependencies',
          '-DincludeScope=runtime',
          `-DoutputDirectory=${libs}`,
        ],
        { logFile: installLog(config) },
      );
    } catch (error) {
      throw new ToolInstallError(`${(error as Error).message}\n${hint}`);
    }
  });
  fs.writeFileSync(stamp, `${config.versions.kafka}\n`);
}

/** The JMX exporter agent jar from Maven Central, by Maven like Kafka's jars (its proxy settings apply). */
async function ensureJmxExporterAgent(config: LabConfig, sink: ProgressSink, jar: string): Promise<void> {
  if (fs.existsSync(jar)) return;
  const artifact = `io.prometheus.jmx:jmx_prometheus_javaagent:${config.versions.jmxExporter}`;
  const partialDir = `${jar}.partial`;
  const hint = `fetch it by hand: mvn dependency:copy -Dartifact=${artifact} -DoutputDirectory=${path.dirname(jar)}`;
  await ensureApt(config, sink, '/usr/bin/mvn', 'maven').catch((error: unknown) => {
    throw new ToolInstallError(`Maven is needed to fetch ${artifact}: ${(error as Error).message}\n${hint}`);
  });
  fs.rmSync(partialDir, { recursive: true, force: true });
  await step(
    sink,
    `fetching the Prometheus JMX exporter agent ${config.versions.jmxExporter} from Maven Central`,
    async () => {
      try {
        await runOrThrow(
          'mvn dependency:copy',
          'mvn',
          ['-q', '-B', 'dependency:copy', `-Dartifact=${artifact}`, `-DoutputDirectory=${partialDir}`],
          { logFile: installLog(config) },
        );
        // Copied into a scratch folder, then renamed: a half-written jar must never look installed.
        fs.renameSync(path.join(partialDir, path.basename(jar)), jar);
      } catch (error) {
        throw new ToolInstallError(`${(error as Error).message}\n${hint}`);
      } finally {
        fs.rmSync(partialDir, { recursive: true, force: true });
      }
    },
  );
}

/** `.lab/tools/bin/k6` → `k6-v1.8.1`: a stable name for humans; code uses toolPaths(). */
function linkUnversioned(target: string, name: string): void {
  const link = path.join(path.dirname(target), name);
  try {
    if (fs.readlinkSync(link) === path.basename(target)) return;
  } catch {
    // missing, or not a link
  }
  fs.rmSync(link, { force: true });
  fs.symlinkSync(path.basename(target), link);
}

export type ToolName = 'db' | 'redis' | 'prometheus' | 'java' | 'toxiproxy' | 'k6' | 'kafka';

/** Installs what `needed` requires and is missing; a second call with everything present is instant. */
export async function ensureTools(
  config: LabConfig,
  sink: ProgressSink,
  needed: readonly ToolName[],
): Promise<ToolPaths> {
  const paths = toolPaths(config);
  const want = new Set(needed);
  if (want.has('db')) {
    await ensureApt(
      config,
      sink,
      path.join(paths.postgresBin, 'postgres'),
      `postgresql-${config.versions.postgresMajor}`,
    );
  }
  if (want.has('redis')) await ensureApt(config, sink, paths.redisServer, 'redis-server');
  if (want.has('prometheus')) await ensureApt(config, sink, paths.prometheus, 'prometheus');
  if (want.has('java') || want.has('kafka')) {
    if (!which('java')) await ensureApt(config, sink, '/usr/bin/java', 'openjdk-17-jre-headless');
    paths.java = which('java') ?? '/usr/bin/java';
  }
  if (want.has('kafka')) {
    await ensureKafkaJars(config, sink, paths.kafkaLibs);
    await ensureJmxExporterAgent(config, sink, paths.jmxExporterAgent);
  }
  if (want.has('toxiproxy')) {
    await goInstall(config, sink, TOXIPROXY_MODULE, config.versions.toxiproxy, paths.toxiproxyServer);
    linkUnversioned(paths.toxiproxyServer, 'toxiproxy-server');
  }
  if (want.has('k6')) {
    await goInstall(config, sink, K6_MODULE, config.versions.k6, paths.k6);
    linkUnversioned(paths.k6, 'k6');
  }
  return paths;
}
