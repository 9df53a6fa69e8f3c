/**
 * The one place a runtime is chosen. Everything else (the lab CLI, the scenario runner, the chaos
 * engine) holds a LabRuntime and never names a class, so a runtime can be added here alone.
 */
import { loadConfig, type LabConfig } from '../src/config.ts';
import { DockerRuntime } from './docker/runtime.ts';
import { NativeRuntime } from './native/runtime.ts';
import { LabError, type LabRuntime } from './runtime.ts';

export const RUNTIME_KINDS = ['native', 'docker'] as const;
export type RuntimeKind = (typeof RUNTIME_KINDS)[number];

/** `PAYLAB_RUNTIME` (native by default): the runtime a command uses when it is not told. */
export function runtimeKindFromEnv(env: NodeJS.ProcessEnv = process.env): RuntimeKind {
  const value = env.PAYLAB_RUNTIME;
  if (value === undefined || value === '') return 'native';
  if ((RUNTIME_KINDS as readonly string[]).includes(value)) return value as RuntimeKind;
  throw new LabError(`PAYLAB_RUNTIME=${value} is not a runtime; use one of: ${RUNTIME_KINDS.join(', ')}`);
}

export function createRuntime(
  kind: RuntimeKind = runtimeKindFromEnv(),
  config: LabConfig = loadConfig(),
): LabRuntime {
  switch (kind) {
    case 'native':
      return new NativeRuntime(config);
    case 'docker':
      return new DockerRuntime(config);
  }
}
