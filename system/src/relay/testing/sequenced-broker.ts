/**
 * A unit-test model of what the kafkajs 2.2.4 idempotent producer and the broker do with sequence
 * numbers, enough to reproduce "a row marked sent that the broker never wrote" deterministically:
 *
 * - the client takes a per-partition sequence under a broker lock (one produce at a time per
 *   broker, like kafkajs' eosManager.acquireBrokerLock), advances it, and ROLLS IT BACK when the
 *   produce request fails (kafkajs producer/sendMessages.js);
 * - the broker appends a batch whose first sequence is the expected one, acknowledges a batch equal
 *   in sequence and size to the last one it appended as a duplicate WITHOUT writing it, and rejects
 *   anything else with OUT_OF_ORDER_SEQUENCE_NUMBER.
 *
 * The link is scripted: 'up' answers, 'answers-lost' lets the request reach the broker (it is
 * written) but holds the answer until the test calls failHeldRequests() (the client's request
 * timeout), 'refused' fails before anything reaches the broker. One partition, one topic: enough
 * for the mechanism. Not a Kafka: integration tests use the real broker.
 */
import { KafkaJSProtocolError, type Producer, type ProducerRecord } from 'kafkajs';
import { kafkajsProducerClient } from '../kafkajs-producer.ts';
import type { ProducerClient } from '../producer-client.ts';

export type LinkMode = 'up' | 'answers-lost' | 'refused';

interface ProducerState {
  nextSequence: number;
  last?: { first: number; count: number };
}

export interface SequencedBroker {
  /** Values the broker really appended, in log order. */
  readonly log: string[];
  link: LinkMode;
  /** Milliseconds each producer's connect() takes (a renewal through a slow link). */
  connectDelayMs: number;
  /** kafkajs Producer stand-ins, each with its own producer id, behind the relay's ProducerClient. */
  createProducer(): ProducerClient;
  /** How many producers were created so far. */
  readonly producersCreated: number;
  /** The held requests fail now (their client-side timeout), in the order they were sent. */
  failHeldRequests(): void;
  /** Sends that reached a fake producer, as `p<id>:<value>`, in call order. */
  readonly sendCalls: string[];
}

export function sequencedBroker(): SequencedBroker {
  const log: string[] = [];
  const sendCalls: string[] = [];
  const brokerSide = new Map<number, ProducerState>();
  const held: (() => void)[] = [];
  let created = 0;

  function append(producerId: number, first: number, values: string[]): void {
    const state = brokerSide.get(producerId) ?? { nextSequence: 0 };
    brokerSide.set(producerId, state);
    if (state.last && state.last.first === first && state.last.count === values.length) return; // duplicate: acked, not written
    if (first !== state.nextSequence) {
      throw new KafkaJSProtocolError(
        Object.assign(new Error('The broker received an out of order sequence number'), {
          type: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
          code: 45,
          retriable: false,
        }),
      );
    }
    log.push(...values);
    state.last = { first, count: values.length };
    state.nextSequence = first + values.length;
  }

  const broker: SequencedBroker = {
    log,
    sendCalls,
    link: 'up',
    connectDelayMs: 0,
    get producersCreated() {
      return created;
    },
    failHeldRequests() {
      for (const fail of held.splice(0)) fail();
    },
    createProducer(): ProducerClient {
      const producerId = created++;
      let clientSequence = 0;
      let lock: Promise<void> = Promise.resolve();
      const listeners = new Map<string, () => void>();
      const producer = {
        events: { CONNECT: 'connect', DISCONNECT: 'disconnect' },
        on: (event: string, fn: () => void) => void listeners.set(event, fn),
        async connect() {
          if (broker.connectDelayMs > 0) await new Promise((r) => setTimeout(r, broker.connectDelayMs));
          listeners.get('connect')?.();
        },
        async disconnect() {
          listeners.get('disconnect')?.();
        },
        async send(record: ProducerRecord) {
          const values = record.messages.map((m) => String(m.value));
          sendCalls.push(`p${producerId}:${values.join(',')}`);
          const previous = lock;
          let unlock: () => void = () => {};
          lock = new Promise<void>((r) => (unlock = r));
          await previous;
          try {
            const first = clientSequence;
            clientSequence += values.length;
            try {
              if (broker.link === 'refused') throw new Error('Connection error: connect ECONNREFUSED');
              append(producerId, first, values);
              if (broker.link === 'answers-lost') {
                await new Promise<void>((_, reject) =>
                  held.push(() => reject(new Error('Request Produce(key: 0, version: 7) timed out'))),
                );
              }
            } catch (error) {
              clientSequence -= values.length; // what kafkajs does when a produce request fails
              throw error;
            }
            return [{ topicName: record.topic, partition: 0, errorCode: 0, baseOffset: String(first) }];
          } finally {
            unlock();
          }
        },
      } as unknown as Producer;
      return kafkajsProducerClient(producer);
    },
  };
  return broker;
}
