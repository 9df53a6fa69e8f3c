import { describe, expect, it } from 'vitest';
import { defineScenario } from './define.ts';
import { FAULT_LOAD } from './profiles.ts';

describe('a scenario with broker faults', () => {
  it('are refused in a scenario that runs one broker, naming the brokers field', () => {
    const scenario = (brokers: 1 | 3) => () =>
      defineScenario({
        name: 'x',
        description: 'x',
        load: FAULT_LOAD,
        warmUpSeconds: 25,
        brokers,
        faults: [
          { fault: { kind: 'controller-failover', action: 'kill' }, atSeconds: 30, durationSeconds: 10 },
        ],
        drainDeadlineSeconds: 60,
      });
    expect(scenario(1)).toThrow(
      'scenario x: brokers: expected 3 for the fault kinds controller-failover, got 1',
    );
    expect(scenario(3)).not.toThrow();
  });
});
