import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../system/src/config.ts';
import { kafkaInjector, type InjectorProducer } from './clients.ts';

describe('the message injector', () => {
  it('when a run injects poison twice, then every poison message has its own key', async () => {
    // Found by the explorer (scenarios/found/dead-letter-4.ts): two poison faults in one run reused
    // keys 0..n, so the dead-letter check saw fewer distinct poison messages than were injected.
    const keys: string[] = [];
    const producer: InjectorProducer = {
      connect: async () => undefined,
      disconnect: async () => undefined,
      send: async (record) => {
        for (const m of record.messages) keys.push(String(m.key));
        return [];
      },
    };
    const injector = kafkaInjector(loadConfig(), {} as pg.Pool, 'r1', () => producer);
    await injector.poison(3);
    await injector.poison(2);
    expect(keys).toHaveLength(5);
    expect(new Set(keys).size).toBe(5);
  });
});
