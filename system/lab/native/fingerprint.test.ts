import { describe, expect, it } from 'vitest';
import { loadConfig, ROBUST_STRATEGY, type StrategyKnobs } from '../../src/config.ts';
import { appService } from './app-services.ts';
import { fingerprint } from './start-service.ts';
import type { LabContext } from './service-def.ts';
import { toolPaths } from './tools.ts';

const config = loadConfig({ PAYLAB_ROOT: '/repo' });
const ctx = (strategy: StrategyKnobs): LabContext => ({
  config,
  tools: toolPaths(config),
  sink: () => undefined,
  strategy,
  instances: config.instances,
});
const printOf = (service: 'api' | 'pg-mock' | 'relay' | 'worker', strategy: StrategyKnobs): string =>
  fingerprint(appService(service, 0).launch(ctx(strategy)));

describe('restart decisions (fingerprints of app launches)', () => {
  const naiveWorker: StrategyKnobs = { ...ROBUST_STRATEGY, workerPgRetry: 'naive' };
  const naiveRelay: StrategyKnobs = { ...ROBUST_STRATEGY, relayAck: 'fire-and-forget' };

  it('a worker knob restarts workers only', () => {
    expect(printOf('worker', naiveWorker)).not.toBe(printOf('worker', ROBUST_STRATEGY));
    expect(printOf('relay', naiveWorker)).toBe(printOf('relay', ROBUST_STRATEGY));
    expect(printOf('api', naiveWorker)).toBe(printOf('api', ROBUST_STRATEGY));
    expect(printOf('pg-mock', naiveWorker)).toBe(printOf('pg-mock', ROBUST_STRATEGY));
  });

  it('a relay knob restarts relays only', () => {
    expect(printOf('relay', naiveRelay)).not.toBe(printOf('relay', ROBUST_STRATEGY));
    expect(printOf('worker', naiveRelay)).toBe(printOf('worker', ROBUST_STRATEGY));
  });

  it('instances differ by their entry and instance number, not by a fingerprint collision', () => {
    const launch = appService('worker', 1).launch(ctx(ROBUST_STRATEGY));
    expect(launch.env.PAYLAB_INSTANCE).toBe('1');
    expect(launch.identifiers).toEqual(['/repo/system/src/bin/worker.ts', 'PAYLAB_INSTANCE=1']);
    expect(launch.env.PAYLAB_WORKER_PG_RETRY).toBe('inquire-first');
  });
});
