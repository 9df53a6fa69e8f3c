/**
 * One way to build a kafkajs client for the relay, the worker and the ops CLI: through the
 * Toxiproxy kafka link, with short timeouts so a faulted link fails fast, and kafkajs' own log
 * lines routed to ours (warnings and errors only).
 */
import { Kafka, logLevel, type LogEntry, type RetryOptions } from 'kafkajs';
import { kafkaBrokers, type LabConfig } from '../config.ts';

export function createKafka(
  config: LabConfig,
  clientId: string,
  log: (line: string) => void,
  retry?: RetryOptions,
): Kafka {
  const t = config.tuning.kafkaClient;
  return new Kafka({
    clientId: `${config.kafka.clientId}-${clientId}`,
    brokers: kafkaBrokers(config),
    connectionTimeout: t.connectTimeoutMs,
    requestTimeout: t.requestTimeoutMs,
    retry: retry ?? { retries: t.retries, initialRetryTime: t.retryInitialMs, maxRetryTime: t.retryMaxMs },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, label, log: entry }: LogEntry) => {
        log(`kafkajs ${label} ${namespace}: ${entry.message}`);
      },
  });
}
