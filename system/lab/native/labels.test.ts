import { describe, expect, it } from 'vitest';
import { labelOf, parseLabel } from './labels.ts';

describe('service labels (pid and log file names)', () => {
  it('round-trip for multi-instance and single services', () => {
    for (const ref of [
      { service: 'relay', instance: 2 },
      { service: 'worker', instance: 0 },
      { service: 'kafka', instance: 0 },
      { service: 'kafka', instance: 2 },
    ] as const) {
      expect(parseLabel(labelOf(ref))).toEqual(ref);
    }
  });
  it('ignores files that are not lab services', () => {
    expect(parseLabel('lab')).toBeUndefined();
    expect(parseLabel('relay-x')).toBeUndefined();
  });
});
