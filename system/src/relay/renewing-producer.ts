/**
 * An idempotent kafkajs producer that is replaced (disconnect, new producer, new producer id)
 * after any send that failed or was abandoned.
 *
 * Why: the idempotent producer numbers its batches per partition. When a send fails, kafkajs
 * rolls its sequence back — but if the broker had in fact written the batch (the answer was lost
 * with the link, or the send timed out), the broker expects the next number and rejects every
 * later batch with OUT_OF_ORDER_SEQUENCE_NUMBER, forever (the kafka-down scenario). Worse, a later
 * batch of the same size would be taken for a duplicate and acknowledged without being written.
 * kafkajs 2.2.4 cannot resync, and whether a failed send reached the broker is not knowable from
 * its error (a retried send can end in any error after an earlier attempt was written), so
 * every failure makes the sequence state suspect. A new producer id starts at sequence 0.
 *
 * Order per key is kept: the failed rows go back to pending and the relay never has two rows of
 * a key in flight. Anything the old producer did write is a duplicate the worker absorbs.
 */
import type { Producer, ProducerRecord } from 'kafkajs';

/** Broker answers meaning the producer id / epoch / sequence state is unusable (kafkajs protocol error types). */
export const PRODUCER_STATE_ERROR_TYPES: ReadonlySet<string> = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'DUPLICATE_SEQUENCE_NUMBER',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_PRODUCER_ID_MAPPING',
  'UNKNOWN_PRODUCER_ID',
]);

/** The kafkajs protocol error type anywhere in an error's cause chain (retries wrap the last error). */
export function protocolErrorType(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    const type = (current as { type?: unknown }).type;
    if (typeof type === 'string') return type;
    current = current.cause;
  }
  return undefined;
}

/**
 * Why the producer must be replaced after this failed send. Always a reason: a broker rejection
 * of the producer's state says so outright; anything else leaves unknown whether the batch was
 * written, so the sequence may be off by one batch.
 */
export function producerRenewalReason(error: unknown): string {
  const type = protocolErrorType(error);
  if (type !== undefined && PRODUCER_STATE_ERROR_TYPES.has(type))
    return `broker rejected the producer state (${type})`;
  return 'send failed, its batch may have been written';
}

export interface RenewingProducer {
  /** Sends; a failure (or no answer within timeoutMs) marks the producer for replacement before the next send. */
  send(record: ProducerRecord, timeoutMs: number): Promise<void>;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** True while the current producer is connected. */
  isConnected(): boolean;
}

export function renewingProducer(create: () => Producer, log: (line: string) => void): RenewingProducer {
  let current = create();
  let connected = false;
  let generation = 0;
  let renewReason: string | undefined;
  let renewing: Promise<void> | undefined;

  function watch(producer: Producer, gen: number): void {
    producer.on(producer.events.CONNECT, () => {
      if (gen === generation) connected = true;
    });
    producer.on(producer.events.DISCONNECT, () => {
      if (gen === generation) connected = false;
    });
  }
  watch(current, generation);

  function suspect(gen: number, error: unknown): void {
    // A late failure of an already replaced producer says nothing about the new one.
    if (gen !== generation || renewReason !== undefined) return;
    renewReason = producerRenewalReason(error);
  }

  async function renew(): Promise<void> {
    const old = current;
    log(`relay: replacing the kafka producer: ${renewReason ?? 'requested'}`);
    current = create();
    generation++;
    connected = false;
    watch(current, generation);
    await old.disconnect().catch(() => {});
    await current.connect();
    renewReason = undefined;
  }

  async function ensureFresh(): Promise<void> {
    if (renewReason === undefined) return;
    renewing ??= renew().finally(() => (renewing = undefined));
    await renewing;
  }

  return {
    async send(record, timeoutMs) {
      await ensureFresh();
      const gen = generation;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`kafka send not acknowledged within ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      try {
        await Promise.race([current.send(record), timeout]);
      } catch (error) {
        suspect(gen, error);
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
    connect: () => current.connect(),
    disconnect: () => current.disconnect(),
    isConnected: () => connected,
  };
}
