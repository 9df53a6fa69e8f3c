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

/**
 * The strategy knobs, one table: each knob's environment variable, its values (the robust one
 * first — it is the default), which service reads it, and what each value means. Everything else
 * (the types, loadConfig, the child-process environment, scenario validation, which app restarts
 * when a knob changes) is derived from this table: adding a knob is one entry here.
 */
export const KNOBS = {
  relayAck: {
    env: 'PAYLAB_RELAY_ACK',
    service: 'relay',
    modes: ['ack', 'fire-and-forget'],
    meaning:
      'ack: mark an outbox row sent only after the broker acknowledged it; fire-and-forget: mark it sent without awaiting the broker',
  },
  relayOrder: {
    env: 'PAYLAB_RELAY_ORDER',
    service: 'relay',
    modes: ['ordered', 'parallel'],
    meaning:
      'ordered: never two events of one payment in flight; parallel: publish a batch concurrently, without per-key order',
  },
  workerPgRetry: {
    env: 'PAYLAB_WORKER_PG_RETRY',
    service: 'worker',
    modes: ['inquire-first', 'naive'],
    meaning:
      'inquire-first: an unknown PG outcome is resolved by an inquiry before any new charge; naive: charge again under a new key',
  },
  workerGuard: {
    env: 'PAYLAB_WORKER_GUARD',
    service: 'worker',
    modes: ['processed-in-transaction', 'guard-before-process'],
    meaning:
      'processed-in-transaction: the processed-event record commits with the state change; guard-before-process: a guard row in its own transaction first',
  },
  apiCommit: {
    env: 'PAYLAB_API_COMMIT',
    service: 'api',
    modes: ['commit-first', 'answer-first'],
    meaning:
      'commit-first: answer 201 only after the create transaction committed; answer-first: answer before the commit, which may still fail',
  },
  workerDedup: {
    env: 'PAYLAB_WORKER_DEDUP',
    service: 'worker',
    modes: ['processed-record', 'none'],
    meaning:
      'processed-record: an event already processed is absorbed; none: no processed-event record, a redelivered event is applied again',
  },
  workerTransition: {
    env: 'PAYLAB_WORKER_TRANSITION',
    service: 'worker',
    modes: ['conditional', 'blind'],
    meaning:
      'conditional: a state change applies only from the states it expects; blind: it overwrites whatever state the payment is in, terminal ones too',
  },
  workerCancel: {
    env: 'PAYLAB_WORKER_CANCEL',
    service: 'worker',
    modes: ['reconcile', 'trust-not-found'],
    meaning:
      'reconcile: a cancel makes sure no capture of the payment stays live, late ones included; trust-not-found: a not-found inquiry is final and a late capture is never refunded',
  },
  relayProducer: {
    env: 'PAYLAB_RELAY_PRODUCER',
    service: 'relay',
    modes: ['acks-all', 'acks-1'],
    meaning:
      'acks-all: the idempotent producer waits for every in-sync replica (min.insync.replicas=2 in the cluster); acks-1: no idempotence, the leader alone acknowledges, so a record it loses before a follower copied it was acknowledged all the same',
  },
  workerPoison: {
    env: 'PAYLAB_WORKER_POISON',
    service: 'worker',
    modes: ['dead-letter', 'drop'],
    meaning:
      'dead-letter: an event the worker cannot process goes to the dead-letter topic with its reason; drop: it is committed and forgotten',
  },
} as const satisfies Record<
  string,
  {
    env: string;
    service: 'api' | 'relay' | 'worker';
    modes: readonly [string, string, ...string[]];
    meaning: string;
  }
>;

/**
 * The Kafka client library the relay's producer uses (PAYLAB_KAFKA_CLIENT), and the one the
 * bench's raw producer measures by default. Deliberately NOT a strategy knob: a knob pairs a robust
 * behaviour with a naive one the checker must catch, while both clients keep every guarantee
 * (idempotent producer, acks=all, per-key order, mark sent only after the ack, replacement after a
 * failed send) — the choice is about speed, like a pool size, so it sits beside the other Kafka
 * settings. kafkajs stays the default; @platformatic/kafka is the maintained alternative measured
 * against it (bench/README.md). The worker's consumer is kafkajs either way.
 */
export const KAFKA_CLIENTS = ['kafkajs', 'platformatic'] as const;
export type KafkaClientName = (typeof KAFKA_CLIENTS)[number];

export type KnobName = keyof typeof KNOBS;
export const KNOB_NAMES = Object.keys(KNOBS) as KnobName[];

/** One value per knob; the robust value (each knob's first mode) is the default. */
export type StrategyKnobs = { [K in KnobName]: (typeof KNOBS)[K]['modes'][number] };

export type RelayAckMode = StrategyKnobs['relayAck'];
export type RelayOrderMode = StrategyKnobs['relayOrder'];
export type WorkerPgRetryMode = StrategyKnobs['workerPgRetry'];
export type WorkerGuardMode = StrategyKnobs['workerGuard'];
export type WorkerCancelMode = StrategyKnobs['workerCancel'];
export type WorkerPoisonMode = StrategyKnobs['workerPoison'];
export type RelayProducerMode = StrategyKnobs['relayProducer'];

export const ROBUST_STRATEGY: StrategyKnobs = Object.fromEntries(
  KNOB_NAMES.map((k) => [k, KNOBS[k].modes[0]]),
) as StrategyKnobs;

/** The knobs one service reads: its app is restarted when one of them changes. */
export function knobEnvOf(service: string): string[] {
  return KNOB_NAMES.filter((k) => KNOBS[k].service === service).map((k) => KNOBS[k].env);
}

/**
 * Pool sizes, batch sizes and Kafka client settings: the one place they are written. The services
 * read them through config.tuning (relay-options.ts, worker-options.ts, the bin/ wiring), so a
 * change here is a change everywhere, and the bench (`npm run bench`) measures its effect. Not
 * environment-overridable: they are the stack's design values, not per-run settings.
 */
export const TUNING = {
  /** Connections each service's pg pool may open (through the db proxy). */
  dbPool: {
    /** The API holds one connection per create transaction; 20 covers the capacity search's
     *  concurrency on 2 cores while leaving PostgreSQL's 100 connections to everyone else. */
    api: 20,
    /** One relay runs one round at a time (claim, then mark) plus the outbox gauges and retention:
     *  4 never queues. */
    relay: 4,
    /** A worker's three coalesced steps use 3 × statementsInFlight; the rest serve the naive blind
     *  twin's single-row statements and the scrape-time outbox gauges (connections open on demand). */
    worker: 16,
  },
  relay: {
    /** Outbox rows claimed, published and marked per round. The relay's "linger": a round sends
     *  what is due at once, up to this, so a batch fills under load without a timer. Larger rounds
     *  amortise the claim and mark statements; each is one Kafka request per partition leader. */
    batchSize: 100,
    /** Producers (connections) of the naive relayOrder=parallel, which publishes round-robin over them. */
    parallelProducers: 4,
  },
  /** Every Kafka client of the stack (relay, worker, ops), whichever library (config.kafka.client). */
  kafkaClient: {
    /** Short, so a faulted link fails fast instead of holding a send past the relay's deadline. */
    connectTimeoutMs: 3_000,
    requestTimeoutMs: 10_000,
    /** Bounded retries of one request (the idempotent producer's default is unbounded): a publish
     *  must fail within the relay's 10 s deadline, so the row is retried by the relay's backoff. */
    retries: 5,
    retryInitialMs: 200,
    retryMaxMs: 3_000,
  },
  /** The worker's throughput sizes (worker/worker-options.ts reads them into WORKER_DEFAULTS). */
  worker: {
    /** How long the broker holds a fetch that has nothing yet: bounds an idle worker's pickup delay. */
    maxWaitTimeMs: 500,
    /** Partitions processed at once by one worker (each partition stays sequential). */
    partitionsConsumedConcurrently: 6,
    /** Payments (message keys) processed at once within one partition's batch; each key stays in
     *  order. 32: the lanes' SQL is coalesced (batching-store.ts), so more lanes mean fuller
     *  statements, not more round trips; 8 lanes left statements of ~2–4 events. */
    keysConcurrentlyPerPartition: 32,
    /** Events one coalesced SQL statement carries at most. */
    maxEventsPerStatement: 64,
    /** Coalesced statements in flight at once per step (load, transition, record): one is being
     *  answered while the next fills. */
    statementsInFlight: 2,
    /** Bytes fetched per partition per batch (~200 events). A batch is handled to its end before the
     *  worker can rejoin a rebalancing group and before its offsets are committed: kafkajs' 1 MiB
     *  default (~3,000 events, tens of seconds at a backlog) outlived the rebalance, so the member
     *  was expelled, its commits refused and the batch redelivered (bench: workers alone). */
    maxBytesPerPartition: 64 * 1024,
  },
} as const;

export type Tuning = typeof TUNING;

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

/**
 * One node of the 3-broker KRaft cluster (`--brokers 3`): broker and controller in one process.
 * Clients reach it through `link` (its own Toxiproxy proxy, which it advertises), and followers
 * replicate from it through `internalLink`, so a broker can be cut from clients and from its
 * followers one by one. The controller quorum is not proxied: a cut broker still counts as alive.
 */
export interface KafkaNode {
  /** node.id, 1-based; also the service instance (kafka-1…). */
  id: number;
  client: Endpoint;
  controller: Endpoint;
  internal: Endpoint;
  link: ProxiedLink;
  internalLink: ProxiedLink;
  /** The broker's Prometheus endpoint (the JMX exporter agent inside its JVM), loopback only. */
  metrics: Endpoint;
}

/** Broker counts the lab can run: one broker (the default) or the 3-node cluster. */
export const KAFKA_BROKER_COUNTS = [1, 3] as const;
export type KafkaBrokerCount = (typeof KAFKA_BROKER_COUNTS)[number];

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
    jmxExporter: string;
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
    /** The broker's JMX exporter agent (/metrics): leaders, under-replicated partitions, ISR changes. */
    kafkaMetrics: Endpoint;
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
  /** The cluster's nodes (used when kafka.brokers is 3); node 1 has the single broker's ports. */
  kafkaCluster: KafkaNode[];
  db: {
    user: string;
    database: string;
    /** Empty: the native lab uses trust auth on loopback, so no secret exists to leak. */
    password: string;
  };
  kafka: {
    clientId: string;
    /** The relay producer's client library (KAFKA_CLIENTS); not a strategy knob, see there. */
    client: KafkaClientName;
    consumerGroup: string;
    heapMb: number;
    /** Heap of each cluster node (three JVMs share the machine). */
    clusterHeapMb: number;
    /**
     * Each broker loads the Prometheus JMX exporter agent and serves its own metrics (leaders,
     * under-replicated partitions, ISR changes) on its metrics port; off: no agent, no such metrics.
     */
    metricsAgent: boolean;
    /** 1: one broker (default); 3: the KRaft cluster of kafkaCluster, topics with RF 3 and min ISR 2. */
    brokers: KafkaBrokerCount;
    /**
     * The worker's group membership. The session timeout is how long a crashed or cut-off worker's
     * partitions stay orphaned (the coordinator waits for it to expire before a rebalance can
     * finish), so it bounds consumer recovery; the worker heartbeats from a timer while a batch is
     * running, so a slow PG call does not eat into it. Kafka refuses values below the broker's
     * group.min.session.timeout.ms (6 s by default).
     */
    sessionTimeoutMs: number;
    heartbeatIntervalMs: number;
    /** How long a live member may take to rejoin a rebalance (finish its in-flight messages). */
    rebalanceTimeoutMs: number;
    /**
     * Longest pause between the worker's reconnect attempts (kafkajs also waits this long before it
     * restarts a consumer that crashed on an unreachable broker), so a returning broker is noticed
     * within about this long.
     */
    workerRetryMaxMs: number;
  };
  topics: {
    paymentEvents: TopicSpec;
    retry: TopicSpec;
    deadLetter: TopicSpec;
  };
  instances: { relay: number; worker: number };
  /** Pool and batch sizes, Kafka client settings (TUNING). */
  tuning: Tuning;
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

/**
 * A lab port: its own variable wins; otherwise the default shifted by PAYLAB_PORT_OFFSET, so a
 * second lab on one machine (another clone, a parallel engineer) takes a whole other port set with one
 * variable.
 */
function port(env: Env, key: string, fallback: number): number {
  // Up to 36000: the highest default port (29092) shifted stays a valid port.
  const offset = int(env, 'PAYLAB_PORT_OFFSET', 0, 0, 36000);
  return int(env, key, fallback + offset, 1, 65535);
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
    kafkaMetrics: local(port(env, 'PAYLAB_KAFKA_METRICS_PORT', 19085)),
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

  // Cluster ports sit within +1..+9 of the single broker's (19092-19094, proxy 29092), in
  // residues mod 50 no other lab port uses, so labs at port offsets 50 apart never collide; the
  // brokers' metrics ports (19085-19087) take residues 35-37, also unused.
  const clusterPorts = [
    { client: 19092, controller: 19093, internal: 19094, proxy: 29092, internalProxy: 29095, metrics: 19085 },
    { client: 19095, controller: 19097, internal: 19099, proxy: 29093, internalProxy: 29096, metrics: 19086 },
    { client: 19096, controller: 19098, internal: 19091, proxy: 29094, internalProxy: 29097, metrics: 19087 },
  ];
  const kafkaCluster: KafkaNode[] = clusterPorts.map((p, i) => {
    const id = i + 1;
    const v = (what: string) => `PAYLAB_KAFKA_${id}_${what}`;
    // Node 1 is the single broker's ports (and its proxy the `kafka` link), so both modes agree on it.
    const client = id === 1 ? services.kafka : local(port(env, v('PORT'), p.client));
    const internal = id === 1 ? services.kafkaInternal : local(port(env, v('INTERNAL_PORT'), p.internal));
    return {
      id,
      client,
      controller: id === 1 ? services.kafkaController : local(port(env, v('CONTROLLER_PORT'), p.controller)),
      internal,
      link:
        id === 1
          ? links.kafka
          : { proxy: `kafka-${id}`, listen: local(port(env, v('PROXY_PORT'), p.proxy)), upstream: client },
      internalLink: {
        proxy: `kafka-${id}-internal`,
        listen: local(port(env, v('INTERNAL_PROXY_PORT'), p.internalProxy)),
        upstream: internal,
      },
      metrics: id === 1 ? services.kafkaMetrics : local(port(env, v('METRICS_PORT'), p.metrics)),
    };
  });

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
      /** io.prometheus.jmx:jmx_prometheus_javaagent, loaded into every broker's JVM. */
      jmxExporter: str(env, 'PAYLAB_JMX_EXPORTER_VERSION', '1.0.1'),
      scala: '2.13',
      toxiproxy: str(env, 'PAYLAB_TOXIPROXY_VERSION', 'v2.12.0'),
      k6: str(env, 'PAYLAB_K6_VERSION', 'v1.8.1'),
      postgresMajor: str(env, 'PAYLAB_POSTGRES_MAJOR', '15'),
    },
    services,
    links,
    kafkaCluster,
    db: {
      user: str(env, 'PAYLAB_DB_USER', 'paylab'),
      database: str(env, 'PAYLAB_DB_NAME', 'paylab'),
      password: str(env, 'PAYLAB_DB_PASSWORD', ''),
    },
    kafka: {
      clientId: str(env, 'PAYLAB_KAFKA_CLIENT_ID', 'paylab'),
      client: oneOf(env, 'PAYLAB_KAFKA_CLIENT', KAFKA_CLIENTS, 'kafkajs'),
      consumerGroup: str(env, 'PAYLAB_KAFKA_GROUP', 'paylab-worker'),
      heapMb: int(env, 'PAYLAB_KAFKA_HEAP_MB', 512, 128, 8192),
      clusterHeapMb: int(env, 'PAYLAB_KAFKA_CLUSTER_HEAP_MB', 256, 128, 8192),
      metricsAgent: oneOf(env, 'PAYLAB_KAFKA_METRICS_AGENT', ['on', 'off'] as const, 'on') === 'on',
      brokers: oneOf(env, 'PAYLAB_KAFKA_BROKERS', ['1', '3'] as const, '1') === '3' ? 3 : 1,
      sessionTimeoutMs: int(env, 'PAYLAB_KAFKA_SESSION_TIMEOUT_MS', 6_000, 6_000, 300_000),
      heartbeatIntervalMs: int(env, 'PAYLAB_KAFKA_HEARTBEAT_MS', 1_000, 100, 10_000),
      rebalanceTimeoutMs: int(env, 'PAYLAB_KAFKA_REBALANCE_TIMEOUT_MS', 20_000, 1_000, 300_000),
      workerRetryMaxMs: int(env, 'PAYLAB_KAFKA_WORKER_RETRY_MAX_MS', 1_000, 100, 30_000),
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
    tuning: TUNING,
    strategy: Object.fromEntries(
      KNOB_NAMES.map((k) => [k, oneOf<string>(env, KNOBS[k].env, KNOBS[k].modes, ROBUST_STRATEGY[k])]),
    ) as StrategyKnobs,
    seed: int(env, 'PAYLAB_SEED', 42),
  };
}

/**
 * Kafka bootstrap addresses for clients: the Toxiproxy proxies, never a broker directly. In
 * cluster mode every broker's proxy, so a client starts even while one broker is down.
 */
export function kafkaBrokers(config: LabConfig): string[] {
  const links =
    config.kafka.brokers === 1 ? [config.links.kafka] : config.kafkaCluster.map((node) => node.link);
  return links.map(({ listen }) => `${listen.host}:${listen.port}`);
}

/** The config of the same lab with another broker count (the runner and `lab up --brokers`). */
export function withBrokers(config: LabConfig, brokers: KafkaBrokerCount): LabConfig {
  return { ...config, kafka: { ...config.kafka, brokers } };
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
  return Object.fromEntries(KNOB_NAMES.map((k) => [KNOBS[k].env, strategy[k]]));
}
