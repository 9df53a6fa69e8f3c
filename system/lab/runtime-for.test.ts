import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { recordedRuntime, recordRuntime, resolveRuntimeKind, runtimeFor } from './runtime-for.ts';

function scratchConfig() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paylab-runtime-'));
  return { dir, config: loadConfig({ PAYLAB_LAB_DIR: path.join(dir, '.lab') }) };
}

describe('runtimeFor and the recorded runtime', () => {
  it('an explicit --runtime wins, then PAYLAB_RUNTIME, then what `lab up` recorded, then native', () => {
    const { dir, config } = scratchConfig();
    const env = {};
    expect(recordedRuntime(config)).toBeUndefined();
    expect(resolveRuntimeKind(undefined, config, env)).toBe('native');
    recordRuntime(config, 'docker');
    expect(recordedRuntime(config)).toBe('docker');
    expect(resolveRuntimeKind(undefined, config, env)).toBe('docker');
    expect(resolveRuntimeKind(undefined, config, { PAYLAB_RUNTIME: 'native' })).toBe('native');
    expect(resolveRuntimeKind('native', config, env)).toBe('native');
    fs.writeFileSync(path.join(config.paths.runDir, 'runtime'), 'kubernetes\n');
    expect(resolveRuntimeKind(undefined, config, env)).toBe('native');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('maps each kind to its implementation', () => {
    const { dir, config } = scratchConfig();
    expect(runtimeFor('docker', config).kind).toBe('docker');
    expect(runtimeFor('native', config).kind).toBe('native');
    recordRuntime(config, 'docker');
    expect(runtimeFor(undefined, config).kind).toBe(
      process.env.PAYLAB_RUNTIME === 'native' ? 'native' : 'docker',
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
