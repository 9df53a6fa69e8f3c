/**
 * Which runtime a command drives. `lab up --runtime docker` records its choice in the lab folder,
 * so a later `scenario`, `status` or `down` without `--runtime` drives the same stack instead of
 * starting a native one beside a running compose project (they share ports). An explicit
 * `--runtime` always wins; with neither, native.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, type LabConfig } from '../src/config.ts';
import { DockerRuntime } from './docker/runtime.ts';
import { NativeRuntime } from './native/runtime.ts';
import type { LabRuntime } from './runtime.ts';

export const RUNTIME_KINDS = ['native', 'docker'] as const;
export type RuntimeKind = (typeof RUNTIME_KINDS)[number];

export function isRuntimeKind(value: string | undefined): value is RuntimeKind {
  return (RUNTIME_KINDS as readonly string[]).includes(value ?? '');
}

function recordFile(config: LabConfig): string {
  return path.join(config.paths.runDir, 'runtime');
}

/** The runtime the last successful `lab up` used, if any. */
export function recordedRuntime(config: LabConfig): RuntimeKind | undefined {
  try {
    const kind = fs.readFileSync(recordFile(config), 'utf8').trim();
    return isRuntimeKind(kind) ? kind : undefined;
  } catch {
    return undefined;
  }
}

export function recordRuntime(config: LabConfig, kind: RuntimeKind): void {
  fs.mkdirSync(config.paths.runDir, { recursive: true });
  fs.writeFileSync(recordFile(config), `${kind}\n`);
}

/** `--runtime` when given, else what `lab up` recorded, else native. */
export function resolveRuntimeKind(flag: RuntimeKind | undefined, config: LabConfig): RuntimeKind {
  return flag ?? recordedRuntime(config) ?? 'native';
}

/** The one place that maps a runtime kind to its implementation. */
export function runtimeFor(kind: RuntimeKind, config: LabConfig = loadConfig()): LabRuntime {
  return kind === 'docker' ? new DockerRuntime(config) : new NativeRuntime(config);
}
