/**
 * An idempotent producer (kafkajs or @platformatic/kafka, behind ProducerClient) that is replaced
 * (disconnect, new producer, new producer id) after any send that failed or was abandoned.
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
 *
 * The same rollback makes a send that SHARES the producer with a failing one dangerous: kafkajs
 * hands out sequence numbers under a per-broker lock and gives them back when a produce fails, so
 * a send queued behind a batch the broker wrote but never acknowledged gets that batch's number
 * and is acknowledged as a duplicate without being written — its row would be marked sent and
 * never be on the topic. Hence one send at a time per producer, one deadline (this one) that
 * decides when a send is abandoned, and a replacement before anything follows an abandoned send.
 */
import type { OutboundRecord, ProducerClient } from './producer-client.ts';

/** Broker answers meaning the producer id / epoch / sequence state is unusable (Kafka error names, as
 *  kafkajs protocol errors carry them in `type`; platformatic-producer.ts does the same). */
export const PRODUCER_STATE_ERROR_TYPES: ReadonlySet<string> = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'DUPLICATE_SEQUENCE_NUMBER',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_PRODUCER_ID_MAPPING',
  'UNKNOWN_PRODUCER_ID',
]);

/** The Kafka error name (`type`) anywhere in an error's cause chain (retries wrap the last error). */
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
  /**
   * Sends, one send at a time: a send waits until the previous one settled (acknowledged, failed or
   * abandoned). timeoutMs is THE deadline of this send, counted from this call (waiting for its
   * turn and replacing the producer included); nobody else may give up on the send earlier. A send
   * that failed or was abandoned after it reached the producer marks the producer for replacement
   * before the next send.
   */
  send(record: OutboundRecord, timeoutMs: number): Promise<void>;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** True while the current producer is connected. */
  isConnected(): boolean;
}

interface Deadline {
  /** Rejects when the deadline passes; never settles otherwise. */
  expired: Promise<never>;
  clear(): void;
}

function deadline(timeoutMs: number): Deadline {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`kafka send not acknowledged within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  // Raced at every step; a rejection that lands between two races must not count as unhandled.
  expired.catch(() => {});
  return { expired, clear: () => clearTimeout(timer) };
}

export function renewingProducer(
  create: () => ProducerClient,
  log: (line: string) => void,
): RenewingProducer {
  let current = create();
  let connected = false;
  let generation = 0;
  let renewReason: string | undefined;
  let renewing: Promise<void> | undefined;
  // Settles when the last send handed to this wrapper has settled: the next one waits for it.
  let tail: Promise<void> = Promise.resolve();

  function watch(producer: ProducerClient, gen: number): void {
    producer.onConnectionChange((isUp) => {
      if (gen === generation) connected = isUp;
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
      const due = deadline(timeoutMs);
      const previous = tail;
      let release: () => void = () => {};
      tail = new Promise<void>((resolve) => (release = resolve));
      try {
        // Neither waiting for the previous send nor a replacement puts anything on the wire: a
        // deadline that passes here leaves the producer's sequence state as it was.
        await Promise.race([previous, due.expired]);
        await Promise.race([ensureFresh(), due.expired]);
        const gen = generation;
        try {
          await Promise.race([current.send(record), due.expired]);
        } catch (error) {
          // Failed or abandoned while the client holds it: the client may still fail it later and
          // roll its sequence back, so nothing else may go out on this producer.
          suspect(gen, error);
          throw error;
        }
      } finally {
        due.clear();
        // Our turn ends only once the previous send's has: a send abandoned while waiting must
        // not let the next one overtake a send still in flight.
        void previous.then(release);
      }
    },
    connect: () => current.connect(),
    disconnect: () => current.disconnect(),
    isConnected: () => connected,
  };
}
