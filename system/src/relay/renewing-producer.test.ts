import { KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, type Producer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkajsProducerClient } from './kafkajs-producer.ts';
import type { ProducerClient } from './producer-client.ts';
import { producerRenewalReason, protocolErrorType, renewingProducer } from './renewing-producer.ts';
import { sequencedBroker } from './testing/sequenced-broker.ts';

// What kafkajs 2.2.4 throws when the broker answers with an error code: the entry of
// protocol/error.js (type, code, retriable, message) wrapped in a KafkaJSProtocolError.
const protocolError = (type: string, code: number, retriable: boolean, message: string) =>
  new KafkaJSProtocolError(Object.assign(new Error(message), { type, code, retriable }));
const outOfOrder = () =>
  protocolError(
    'OUT_OF_ORDER_SEQUENCE_NUMBER',
    45,
    false,
    'The broker received an out of order sequence number',
  );

describe('producerRenewalReason', () => {
  it('names a broker rejection of the producer state, also when wrapped by exhausted retries', () => {
    expect(producerRenewalReason(outOfOrder())).toBe(
      'broker rejected the producer state (OUT_OF_ORDER_SEQUENCE_NUMBER)',
    );
    const wrapped = new KafkaJSNumberOfRetriesExceeded(
      protocolError('UNKNOWN_PRODUCER_ID', 59, false, 'unknown producer id'),
      { retryCount: 5, retryTime: 3000 },
    );
    expect(protocolErrorType(wrapped)).toBe('UNKNOWN_PRODUCER_ID');
    expect(producerRenewalReason(wrapped)).toContain('UNKNOWN_PRODUCER_ID');
  });

  it('still asks for a new producer when the failure does not say whether the batch was written', () => {
    expect(producerRenewalReason(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:29092'))).toBe(
      'send failed, its batch may have been written',
    );
    const notLeader = protocolError('NOT_LEADER_FOR_PARTITION', 6, true, 'not the leader');
    expect(producerRenewalReason(notLeader)).toBe('send failed, its batch may have been written');
    expect(producerRenewalReason('a string')).toBe('send failed, its batch may have been written');
  });
});

interface Fake {
  id: number;
  log: string[];
  producer: Producer;
}

/** A kafkajs Producer stand-in: sends follow `outcomes` in order ('ok' | 'fail' | 'hang'), connects may fail. */
function fakes(outcomes: ('ok' | 'fail' | 'hang')[], connectFails: Set<number> = new Set()) {
  const made: Fake[] = [];
  const log: string[] = [];
  const create = (): ProducerClient => {
    const id = made.length;
    const listeners = new Map<string, () => void>();
    const producer = {
      events: { CONNECT: 'connect', DISCONNECT: 'disconnect' },
      on: (event: string, fn: () => void) => void listeners.set(event, fn),
      connect: async () => {
        log.push(`connect:${id}`);
        if (connectFails.has(id)) throw new Error('ECONNREFUSED');
        listeners.get('connect')?.();
      },
      disconnect: async () => {
        log.push(`disconnect:${id}`);
        listeners.get('disconnect')?.();
      },
      send: async () => {
        const outcome = outcomes.shift() ?? 'ok';
        log.push(`send:${id}:${outcome}`);
        if (outcome === 'fail') throw outOfOrder();
        if (outcome === 'hang') await new Promise(() => {});
        return [{ topicName: 't', partition: 0, errorCode: 0, baseOffset: '0' }];
      },
    } as unknown as Producer;
    made.push({ id, log, producer });
    return kafkajsProducerClient(producer);
  };
  return { create, log };
}

const record = { topic: 't', acks: -1 as const, messages: [{ key: 'k', value: 'v', headers: {} }] };

describe('renewingProducer', () => {
  it('keeps one producer while sends succeed', async () => {
    const f = fakes(['ok', 'ok']);
    const p = renewingProducer(f.create, () => {});
    await p.connect();
    await p.send(record, 1_000);
    await p.send(record, 1_000);
    expect(f.log).toEqual(['connect:0', 'send:0:ok', 'send:0:ok']);
    expect(p.isConnected()).toBe(true);
  });

  it('after a failed send, disconnects it and sends the next batch through a new, connected producer', async () => {
    const f = fakes(['fail', 'ok', 'ok']);
    const lines: string[] = [];
    const p = renewingProducer(f.create, (l) => lines.push(l));
    await p.connect();
    await expect(p.send(record, 1_000)).rejects.toThrow('out of order');
    await p.send(record, 1_000);
    await p.send(record, 1_000);
    expect(f.log).toEqual([
      'connect:0',
      'send:0:fail',
      'disconnect:0',
      'connect:1',
      'send:1:ok',
      'send:1:ok',
    ]);
    expect(lines).toEqual([
      'relay: replacing the kafka producer: broker rejected the producer state (OUT_OF_ORDER_SEQUENCE_NUMBER)',
    ]);
    expect(p.isConnected()).toBe(true);
  });

  it('treats a send abandoned after timeoutMs as failed', async () => {
    const f = fakes(['hang', 'ok']);
    const p = renewingProducer(f.create, () => {});
    await p.connect();
    await expect(p.send(record, 20)).rejects.toThrow('not acknowledged within 20 ms');
    await p.send(record, 1_000);
    expect(f.log).toEqual(['connect:0', 'send:0:hang', 'disconnect:0', 'connect:1', 'send:1:ok']);
  });

  it('when the new producer cannot connect, fails the send and tries a fresh one next time', async () => {
    const f = fakes(['fail', 'ok'], new Set([1]));
    const p = renewingProducer(f.create, () => {});
    await p.connect();
    await expect(p.send(record, 1_000)).rejects.toThrow('out of order');
    await expect(p.send(record, 1_000)).rejects.toThrow('ECONNREFUSED');
    expect(p.isConnected()).toBe(false);
    await p.send(record, 1_000);
    expect(f.log).toEqual([
      'connect:0',
      'send:0:fail',
      'disconnect:0',
      'connect:1',
      'disconnect:1',
      'connect:2',
      'send:2:ok',
    ]);
  });

  it('a send whose deadline passes while it waits for its turn never reaches the producer', async () => {
    const f = fakes(['hang', 'ok']);
    const p = renewingProducer(f.create, () => {});
    await p.connect();
    const first = p.send(record, 100);
    await expect(p.send(record, 20)).rejects.toThrow('not acknowledged within 20 ms');
    // The first send is still held by the client: nothing else went out on producer 0.
    expect(f.log).toEqual(['connect:0', 'send:0:hang']);
    await expect(first).rejects.toThrow('not acknowledged within 100 ms');
    await p.send(record, 1_000);
    expect(f.log).toEqual(['connect:0', 'send:0:hang', 'disconnect:0', 'connect:1', 'send:1:ok']);
  });

  it('replaces the producer once when several sends find it suspect at the same time', async () => {
    const f = fakes(['fail', 'ok', 'ok']);
    const p = renewingProducer(f.create, () => {});
    await p.connect();
    await expect(p.send(record, 1_000)).rejects.toThrow();
    await Promise.all([p.send(record, 1_000), p.send(record, 1_000)]);
    expect(f.log.filter((l) => l.startsWith('connect'))).toEqual(['connect:0', 'connect:1']);
  });
});

describe('renewingProducer against the sequence model of the idempotent producer', () => {
  const recordOf = (value: string) => ({
    topic: 't',
    acks: -1 as const,
    messages: [{ key: 'k', value, headers: {} }],
  });

  it('never has two sends in flight on one producer: a send queued behind an abandoned one goes out on a new producer', async () => {
    const broker = sequencedBroker();
    const p = renewingProducer(broker.createProducer, () => {});
    await p.connect();
    broker.connectDelayMs = 20; // a replacement producer takes a moment to connect
    broker.link = 'answers-lost';
    // "a" reaches the broker and is written, its answer is lost; "b" is sent while "a" is in flight.
    const a = p.send(recordOf('a'), 50);
    const b = p.send(recordOf('b'), 1_000);
    await expect(a).rejects.toThrow('not acknowledged within 50 ms');
    // The link comes back, then the abandoned request of "a" fails inside the client, which rolls
    // its sequence back: a "b" already queued on that producer would reuse "a"'s sequence number
    // and be acknowledged as a duplicate without being written.
    broker.link = 'up';
    broker.failHeldRequests();
    await b;
    expect(broker.log).toEqual(['a', 'b']);
    expect(broker.sendCalls).toEqual(['p0:a', 'p1:b']);
  });
});
