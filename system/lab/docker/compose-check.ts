/**
 * Reading docker-compose.yml the way Docker does, without a Docker engine: compose-check (a tiny
 * Go program in ./compose-check/ around compose-go, the loader `docker compose` itself is built
 * on) loads the file with the compose-spec schema, anchors, interpolation and normalisation, and
 * prints the resolved project as JSON. It is built once with the Go toolchain, like the lab's
 * other Go tools, and cached under the tools folder by a hash of its sources.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { promisify } from 'node:util';
import path from 'node:path';
import type { LabConfig } from '../../src/config.ts';
import { runOrThrow, which } from '../native/exec.ts';
import { step, type ProgressSink } from '../native/progress.ts';
import { ToolInstallError } from '../native/tools.ts';

const execFileAsync = promisify(execFile);
const SOURCES = ['main.go', 'go.mod', 'go.sum'] as const;

export function composeCheckSourceDir(config: LabConfig): string {
  return path.join(config.paths.repoRoot, 'system', 'lab', 'docker', 'compose-check');
}

/** The cached binary: a change to the Go sources (or the compose-go pin in go.mod) builds a new one. */
export function composeCheckPath(config: LabConfig): string {
  const hash = createHash('sha256');
  for (const file of SOURCES) hash.update(fs.readFileSync(path.join(composeCheckSourceDir(config), file)));
  return path.join(config.paths.toolsDir, 'bin', `compose-check-${hash.digest('hex').slice(0, 12)}`);
}

export async function ensureComposeCheck(
  config: LabConfig,
  sink: ProgressSink = () => undefined,
): Promise<string> {
  const target = composeCheckPath(config);
  if (fs.existsSync(target)) return target;
  const go = which('go') ?? (fs.existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  const source = composeCheckSourceDir(config);
  if (!go)
    throw new ToolInstallError(
      `Go is needed to build compose-check (${source}) but no 'go' is on PATH; install Go (https://go.dev/doc/install)`,
    );
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const partial = `${target}.partial-${process.pid}`;
  fs.mkdirSync(config.paths.logsDir, { recursive: true });
  await step(sink, 'building compose-check (compose-go) with go build', () =>
    runOrThrow('go build compose-check', go, ['build', '-trimpath', '-o', partial, '.'], {
      cwd: source,
      env: {
        ...process.env,
        GOPROXY: process.env.GOPROXY || 'https://proxy.golang.org',
        GOFLAGS: '-buildvcs=false',
        CGO_ENABLED: '0',
      },
      logFile: path.join(config.paths.logsDir, 'install.log'),
    }),
  );
  // Rename: a half-written binary never looks installed, and two builders at once both succeed.
  fs.renameSync(partial, target);
  return target;
}

export interface ComposeLoad {
  /** Compose files, relative to the repository root; later ones override earlier ones. */
  files: readonly string[];
  profiles?: readonly string[];
  /** The only variables interpolation sees (never the caller's environment). */
  env?: Readonly<Record<string, string>>;
}

/** The resolved project as compose-go prints it (the fields the lab reads). */
export interface ComposeModel {
  name: string;
  services: Record<string, ResolvedService>;
  volumes?: Record<string, unknown>;
}

export interface ResolvedVolume {
  type: 'bind' | 'volume' | 'tmpfs' | string;
  source?: string;
  target: string;
  read_only?: boolean;
}

export interface ResolvedService {
  image?: string;
  command?: string[] | null;
  entrypoint?: string[] | null;
  environment?: Record<string, string | null>;
  network_mode?: string;
  profiles?: string[];
  user?: string;
  restart?: string;
  working_dir?: string;
  volumes?: ResolvedVolume[];
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string; required?: boolean }>;
}

export class ComposeInvalid extends Error {
  override name = 'ComposeInvalid';
}

/** Loads compose files through compose-go; throws ComposeInvalid with the loader's message. */
export async function loadCompose(config: LabConfig, load: ComposeLoad): Promise<ComposeModel> {
  const binary = await ensureComposeCheck(config);
  const args = ['-dir', config.paths.repoRoot];
  for (const file of load.files) args.push('-f', file);
  for (const profile of load.profiles ?? []) args.push('-profile', profile);
  for (const [key, value] of Object.entries(load.env ?? {})) args.push('-env', `${key}=${value}`);
  // stdout is the JSON; the loader's warnings (stderr) must not be parsed as part of it.
  const { stdout } = await execFileAsync(binary, args, {
    env: { PATH: process.env.PATH ?? '' },
    maxBuffer: 16 * 1024 * 1024,
  }).catch((error: unknown) => {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new ComposeInvalid(stderr.trim());
  });
  return JSON.parse(stdout) as ComposeModel;
}
