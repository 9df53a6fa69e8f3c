/**
 * The one config place of the lab: ports, versions, paths, topics and strategy knobs.
 *
 * Every process (lab CLI, api, relay, worker, pg-mock, scenario runner, dashboard, tests) reads
 * its settings from `loadConfig()`. Each value has a default here and can be overridden by the
 * environment variable named next to it; nothing else in the code base reads `process.env` for
 * these facts. docker-compose.yml and create-topics.sh mirror these defaults and a test checks
 * that they agree.
 *
 * Lab ports are chosen away from the standard ports of a user's own PostgreSQL (5432),
 * Redis (6379), Kafka (9092) and Prometheus (9090) so the lab never clashes with them.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root: this file lives in system/src/. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Loopback only: every lab-owned service binds here. */
export const LOOPBACK = '127.0.0.1';

export const RELAY_ACK_MODES = ['ack', 'fire-and-forget'] as const;
/** ack: mark a row sent only after the broker acknowledged it.
 *  fire-and-forget: the original service's way — mark sent without awaiting the broker. */
export type RelayAckMode = (typeof RELAY_ACK_MODES)[number];

export const RELAY_ORDER_MODES = ['ordered', 'parallel'] as const;
/** ordered: never two events of one payment in flight out of order.
 *  parallel: publish a batch concurrently, without per-key order. */
export type RelayOrderMode = (typeof RELAY_ORDER_MODES)[number];

export const WORKER_PG_RETRY_MODES = ['inquire-first', 'naive'] as const;
/** inquire-first: an unknown PG outcome is resolved by an inquiry before any new charge.
 *  naive: retry the charge after an unknown outcome without asking the PG what happened. */
export type WorkerPgRetryMode = (typeof WORKER_PG_RETRY_MODES)[number];

export const WORKER_GUARD_MODES = ['processed-in-transaction', 'guard-before-process'] as const;
/** processed-in-transaction: the processed-event record commits with the state change.
 *  guard-before-process: the original way — a guard row in its own transaction, then processing. */
export type WorkerGuardMode = (typeof WORKER_GUARD_MODES)[number];

/** Robust values are the defaults; each naive value exists so a scenario can show what it breaks. */
export interface StrategyKnobs {
  relayAck: RelayAckMode;
  relayOrder: RelayOrderMode;
  workerPgRetry: WorkerPgRetryMode;
  workerGuard: WorkerGuardMode;
}

export const ROBUST_STRATEGY: StrategyKnobs = {
  relayAck: 'ack',
  relayOrder: 'ordered',
  workerPgRetry: 'inquire-first',
  workerGuard: 'processed-in-transaction',
};

export interface TopicSpec {
  name: string;
  partitions: number;
}

export interface Endpoint {
  host: string;
  port: number;
}

/** A link a client reaches THROUGH Toxiproxy: `listen` is the proxy, `upstream` the real service. */
export interface ProxiedLink {
  /** Toxiproxy proxy name (also used by the chaos engine to name targets). */
  proxy: string;
  listen: Endpoint;
  upstream: Endpoint;
}

export const LINK_NAMES = ['db', 'kafka', 'redis', 'pg-mock'] as const;
export type LinkName = (typeof LINK_NAMES)[number];

export const APP_SERVICES = ['api', 'relay', 'worker', 'pg-mock'] as const;
export type AppService = (typeof APP_SERVICES)[number];

export const INFRA_SERVICES = ['db', 'redis', 'kafka', 'toxiproxy', 'prometheus'] as const;
export type InfraService = (typeof INFRA_SERVICES)[number];

export interface LabConfig {
  paths: {
    repoRoot: string;
    /** Everything the lab writes lives under here (git-ignored). */
    labDir: string;
    /** Data directories of db, kafka, prometheus, redis. */
    stateDir: string;
    logsDir: string;
    /** Pid files of supervised processes. */
    runDir: string;
    /** Project-local installed tools (k6, toxiproxy, kafka jars). */
    toolsDir: string;
    reportsDir: string;
  };
  versions: {
    kafka: string;
    scala: string;
    toxiproxy: string;
    k6: string;
    postgresMajor: string;
  };
  /** Real service endpoints (only the lab runtime and Toxiproxy's upstreams use these). */
  services: {
    db: Endpoint;
    redis: Endpoint;
    /** Kafka's client listener; its advertised address is the Toxiproxy proxy. */
    kafka: Endpoint;
    kafkaController: Endpoint;
    /** Inter-broker listener, advertised as itself (never proxied). */
    kafkaInternal: Endpoint;
    toxiproxyApi: Endpoint;
    prometheus: Endpoint;
    grafana: Endpoint;
    api: Endpoint;
    pgMock: Endpoint;
    /** Metrics port of relay instance i is relayMetricsBase + i; same for workers. */
    relayMetricsBase: number;
    workerMetricsBase: number;
    /** Scenario runner's own metrics (active faults gauge). */
    labMetrics: Endpoint;
  };
  /** What clients use: every link goes through Toxiproxy. */
  links: Record<LinkName, ProxiedLink>;
  db: {
    user: string;
    database: string;
    /** Empty: the native lab uses trust auth on loopback, so no secret exists to leak. */
    password: string;
  };
  kafka: {
    clientId: string;
    consumerGroup: string;
    heapMb: number;
  };
  topics: {
    paymentEvents: TopicSpec;
    retry: TopicSpec;
    deadLetter: TopicSpec;
  };
  instances: { relay: number; worker: number };
  strategy: StrategyKnobs;
  /** Seed for the PG mock's randomness and the fault schedule. */
  seed: number;
}

type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function str(env: Env, key: string, fallback: string): string {
  const value = env[key];
  return value === undefined || value === '' ? fallback : value;
}

function int(env: Env, key: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw.trim())) {
    throw new ConfigError(`${key} must be a whole number, got "${raw}"`);
  }
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(`${key} must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

function port(env: Env, key: string, fallback: number): number {
  return int(env, key, fallback, 1, 65535);
}

function oneOf<T extends string>(env: Env, key: string, allowed: readonly T[], fallback: T): T {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new ConfigError(`${key} must be one of ${allowed.join(', ')}, got "${raw}"`);
}

function local(p: number): Endpoint {
  return { host: LOOPBACK, port: p };
}

/** Builds the lab's configuration from defaults and environment overrides (PAYLAB_*). */
export function loadConfig(env: Env = process.env): LabConfig {
  const repoRoot = str(env, 'PAYLAB_ROOT', REPO_ROOT);
  const labDir = path.resolve(repoRoot, str(env, 'PAYLAB_LAB_DIR', '.lab'));

  const services = {
    db: local(port(env, 'PAYLAB_DB_PORT', 15432)),
    redis: local(port(env, 'PAYLAB_REDIS_PORT', 16379)),
    kafka: local(port(env, 'PAYLAB_KAFKA_PORT', 19092)),
    kafkaController: local(port(env, 'PAYLAB_KAFKA_CONTROLLER_PORT', 19093)),
    kafkaInternal: local(port(env, 'PAYLAB_KAFKA_INTERNAL_PORT', 19094)),
    toxiproxyApi: local(port(env, 'PAYLAB_TOXIPROXY_PORT', 18474)),
    prometheus: local(port(env, 'PAYLAB_PROMETHEUS_PORT', 19090)),
    grafana: local(port(env, 'PAYLAB_GRAFANA_PORT', 13000)),
    api: local(port(env, 'PAYLAB_API_PORT', 18080)),
    pgMock: local(port(env, 'PAYLAB_PG_MOCK_PORT', 18081)),
    relayMetricsBase: port(env, 'PAYLAB_RELAY_METRICS_PORT', 18100),
    workerMetricsBase: port(env, 'PAYLAB_WORKER_METRICS_PORT', 18200),
    labMetrics: local(port(env, 'PAYLAB_LAB_METRICS_PORT', 18090)),
  };

  const links: Record<LinkName, ProxiedLink> = {
    db: { proxy: 'db', listen: local(port(env, 'PAYLAB_DB_PROXY_PORT', 25432)), upstream: services.db },
    kafka: {
      proxy: 'kafka',
      listen: local(port(env, 'PAYLAB_KAFKA_PROXY_PORT', 29092)),
      upstream: services.kafka,
    },
    redis: {
      proxy: 'redis',
      listen: local(port(env, 'PAYLAB_REDIS_PROXY_PORT', 26379)),
      upstream: services.redis,
    },
    'pg-mock': {
      proxy: 'pg-mock',
      listen: local(port(env, 'PAYLAB_PG_MOCK_PROXY_PORT', 28081)),
      upstream: services.pgMock,
    },
  };

  return {
    paths: {
      repoRoot,
      labDir,
      stateDir: path.join(labDir, 'state'),
      logsDir: path.join(labDir, 'logs'),
      runDir: path.join(labDir, 'run'),
      toolsDir: path.resolve(repoRoot, str(env, 'PAYLAB_TOOLS_DIR', path.join(labDir, 'tools'))),
      reportsDir: path.resolve(repoRoot, str(env, 'PAYLAB_REPORTS_DIR', 'reports')),
    },
    versions: {
      kafka: str(env, 'PAYLAB_KAFKA_VERSION', '4.1.1'),
      scala: '2.13',
      toxiproxy: str(env, 'PAYLAB_TOXIPROXY_VERSION', 'v2.12.0'),
      k6: str(env, 'PAYLAB_K6_VERSION', 'v1.8.1'),
      postgresMajor: str(env, 'PAYLAB_POSTGRES_MAJOR', '15'),
    },
    services,
    links,
    db: {
      user: str(env, 'PAYLAB_DB_USER', 'paylab'),
      database: str(env, 'PAYLAB_DB_NAME', 'paylab'),
      password: str(env, 'PAYLAB_DB_PASSWORD', ''),
    },
    kafka: {
      clientId: str(env, 'PAYLAB_KAFKA_CLIENT_ID', 'paylab'),
      consumerGroup: str(env, 'PAYLAB_KAFKA_GROUP', 'paylab-worker'),
      heapMb: int(env, 'PAYLAB_KAFKA_HEAP_MB', 512, 128, 8192),
    },
    topics: {
      paymentEvents: {
        name: str(env, 'PAYLAB_TOPIC_PAYMENT_EVENTS', 'paylab.payment-events'),
        partitions: int(env, 'PAYLAB_TOPIC_PARTITIONS', 6, 1, 256),
      },
      retry: {
        name: str(env, 'PAYLAB_TOPIC_RETRY', 'paylab.payment-events.retry'),
        partitions: int(env, 'PAYLAB_TOPIC_PARTITIONS', 6, 1, 256),
      },
      deadLetter: { name: str(env, 'PAYLAB_TOPIC_DEAD_LETTER', 'paylab.payment-events.dlt'), partitions: 1 },
    },
    instances: {
      relay: int(env, 'PAYLAB_RELAY_INSTANCES', 1, 0, 9),
      worker: int(env, 'PAYLAB_WORKER_INSTANCES', 2, 0, 9),
    },
    strategy: {
      relayAck: oneOf(env, 'PAYLAB_RELAY_ACK', RELAY_ACK_MODES, ROBUST_STRATEGY.relayAck),
      relayOrder: oneOf(env, 'PAYLAB_RELAY_ORDER', RELAY_ORDER_MODES, ROBUST_STRATEGY.relayOrder),
      workerPgRetry: oneOf(
        env,
        'PAYLAB_WORKER_PG_RETRY',
        WORKER_PG_RETRY_MODES,
        ROBUST_STRATEGY.workerPgRetry,
      ),
      workerGuard: oneOf(env, 'PAYLAB_WORKER_GUARD', WORKER_GUARD_MODES, ROBUST_STRATEGY.workerGuard),
    },
    seed: int(env, 'PAYLAB_SEED', 42),
  };
}

/** Kafka bootstrap address for clients: the Toxiproxy proxy, never the broker directly. */
export function kafkaBrokers(config: LabConfig): string[] {
  const { host, port: p } = config.links.kafka.listen;
  return [`${host}:${p}`];
}

/** PostgreSQL connection string for clients, through the db proxy. */
export function databaseUrl(config: LabConfig, database = config.db.database): string {
  const { host, port: p } = config.links.db.listen;
  const auth = config.db.password
    ? `${encodeURIComponent(config.db.user)}:${encodeURIComponent(config.db.password)}`
    : encodeURIComponent(config.db.user);
  return `postgres://${auth}@${host}:${p}/${encodeURIComponent(database)}`;
}

/** Environment that pins the strategy knobs for a child process (api, relay, worker). */
export function strategyEnv(strategy: StrategyKnobs): Record<string, string> {
  return {
    PAYLAB_RELAY_ACK: strategy.relayAck,
    PAYLAB_RELAY_ORDER: strategy.relayOrder,
    PAYLAB_WORKER_PG_RETRY: strategy.workerPgRetry,
    PAYLAB_WORKER_GUARD: strategy.workerGuard,
  };
}
