/**
 * The process faults the chaos engine uses, through NativeRuntime against the lab's real Redis:
 * pause (SIGSTOP) makes it silent, resume brings it back; kill -9 takes it down, start heals it.
 * Redis is chosen because it restarts in milliseconds and the API survives it (DB fallback).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { NativeRuntime } from '../lab/native/runtime.ts';
import { redisPing } from '../lab/native/probes.ts';

const config = loadConfig();
const runtime = new NativeRuntime(config);
const native =
  process.env.PAYLAB_TEST_RUNTIME === 'native' ||
  !(await import('../lab/docker/runtime.ts').then((m) => m.dockerEngineAnswers()));

const redisState = async (): Promise<string | undefined> =>
  (await runtime.status()).find((s) => s.service === 'redis')?.state;

describe.runIf(native)('NativeRuntime process faults on redis', () => {
  afterAll(async () => {
    // Whatever failed above, leave a healthy Redis behind for the next suite.
    await runtime.resume({ service: 'redis' }).catch(() => undefined);
    if ((await redisState()) !== 'running') await runtime.start({ service: 'redis' });
  });

  it('pause stops answers, resume restores them, and status shows both', async () => {
    await runtime.pause({ service: 'redis' });
    try {
      expect(await redisState()).toBe('paused');
      await expect(redisPing(config.services.redis, 500)).rejects.toThrow(/did not answer/);
    } finally {
      await runtime.resume({ service: 'redis' });
    }
    expect(await redisPing(config.services.redis)).toBe(true);
    expect(await redisState()).toBe('running');
  });

  it('kill -9 takes it down for real, and start brings it back healthy', async () => {
    const before = (await runtime.status()).find((s) => s.service === 'redis')?.pid;
    await runtime.kill({ service: 'redis' });
    expect(await redisState()).toBe('stopped');
    await expect(redisPing(config.services.redis, 500)).rejects.toThrow();
    await runtime.start({ service: 'redis' });
    const after = (await runtime.status()).find((s) => s.service === 'redis');
    expect(after?.state).toBe('running');
    expect(after?.pid).not.toBe(before);
    expect(await redisPing(config.links.redis.listen)).toBe(true);
  });
});
