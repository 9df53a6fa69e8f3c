/**
 * Which runtime a command drives when it is not told. `lab up --runtime docker` records its
 * choice in the lab folder, so a later `scenario`, `status` or `down` without `--runtime` drives
 * the same stack instead of starting a native one beside a running compose project (they share
 * ports). Order: an explicit `--runtime`, then PAYLAB_RUNTIME, then the recorded runtime, then
 * native. The runtime itself comes from createRuntime() (create-runtime.ts), the one factory.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LabConfig } from '../src/config.ts';
import { createRuntime, RUNTIME_KINDS, runtimeKindFromEnv, type RuntimeKind } from './create-runtime.ts';
import type { LabRuntime } from './runtime.ts';

function recordFile(config: LabConfig): string {
  return path.join(config.paths.runDir, 'runtime');
}

/** The runtime the last successful `lab up` used, if any. */
export function recordedRuntime(config: LabConfig): RuntimeKind | undefined {
  try {
    const kind = fs.readFileSync(recordFile(config), 'utf8').trim();
    return (RUNTIME_KINDS as readonly string[]).includes(kind) ? (kind as RuntimeKind) : undefined;
  } catch {
    return undefined;
  }
}

export function recordRuntime(config: LabConfig, kind: RuntimeKind): void {
  fs.mkdirSync(config.paths.runDir, { recursive: true });
  fs.writeFileSync(recordFile(config), `${kind}\n`);
}

export function resolveRuntimeKind(
  flag: RuntimeKind | undefined,
  config: LabConfig,
  env: NodeJS.ProcessEnv = process.env,
): RuntimeKind {
  if (flag) return flag;
  if (env.PAYLAB_RUNTIME) return runtimeKindFromEnv(env);
  return recordedRuntime(config) ?? 'native';
}

/** The runtime a command drives: what the scenario runner should call with its `--runtime` flag. */
export function runtimeFor(flag: RuntimeKind | undefined, config: LabConfig): LabRuntime {
  return createRuntime(resolveRuntimeKind(flag, config), config);
}
