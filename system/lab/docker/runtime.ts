/**
 * The docker runtime: delegates to `docker compose` with the repository's docker-compose.yml.
 * It is deliberately small; these machines have no Docker engine, so it is never exercised by
 * the project's own CI (docker-compose.yml is checked statically instead).
 */
import path from 'node:path';
import type { LabConfig } from '../../src/config.ts';
import { run } from '../native/exec.ts';
import { toolPaths } from '../native/tools.ts';
import {
  LabError,
  type LabRuntime,
  type ServiceRef,
  type ServiceState,
  type ServiceStatus,
  type UpOptions,
} from '../runtime.ts';

export async function dockerEngineAnswers(): Promise<boolean> {
  try {
    const result = await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 10_000 });
    return result.code === 0 && result.output.trim().length > 0;
  } catch {
    return false;
  }
}

/** Compose service name of a lab service instance. */
export function composeService(ref: ServiceRef): string {
  return ref.service;
}

export class DockerRuntime implements LabRuntime {
  readonly kind = 'docker' as const;
  readonly config: LabConfig;

  constructor(config: LabConfig) {
    this.config = config;
  }

  private async compose(args: string[], sink?: (line: string) => void): Promise<string> {
    if (!(await dockerEngineAnswers())) {
      throw new LabError(
        '--runtime docker needs a Docker engine, but `docker info` got no answer from one; use the native runtime (the default) or start Docker',
      );
    }
    const file = path.join(this.config.paths.repoRoot, 'docker-compose.yml');
    sink?.(`  docker compose ${args.join(' ')}`);
    const result = await run('docker', ['compose', '-f', file, '-p', 'paylab', ...args], {
      cwd: this.config.paths.repoRoot,
    });
    if (result.code !== 0)
      throw new LabError(
        `docker compose ${args.join(' ')} failed:\n${result.output.trim().split('\n').slice(-15).join('\n')}`,
      );
    return result.output;
  }

  async up(options: UpOptions = {}): Promise<void> {
    const infra = ['db', 'redis', 'kafka', 'toxiproxy', 'prometheus', 'grafana', 'create-topics'];
    await this.compose(['up', '-d', '--wait', ...(options.stack ? [] : infra)], options.onProgress);
  }

  async down(options: { onProgress?: (line: string) => void } = {}): Promise<void> {
    await this.compose(['down'], options.onProgress);
  }

  /** Removes the containers and the compose volumes (the lab's data). */
  async reset(options: { onProgress?: (line: string) => void } = {}): Promise<void> {
    await this.compose(['down', '--volumes'], options.onProgress);
  }

  async status(): Promise<ServiceStatus[]> {
    const output = await this.compose(['ps', '--all', '--format', 'json']);
    const statuses: ServiceStatus[] = [];
    for (const line of output.split('\n')) {
      if (!line.trim().startsWith('{')) continue;
      const row = JSON.parse(line) as { Service?: string; State?: string; Health?: string };
      const state: ServiceState =
        row.State === 'running'
          ? row.Health === 'unhealthy'
            ? 'unhealthy'
            : 'running'
          : row.State === 'paused'
            ? 'paused'
            : 'stopped';
      statuses.push({
        service: (row.Service ?? 'db') as ServiceStatus['service'],
        instance: 0,
        state,
        detail: row.State ?? '',
      });
    }
    return statuses;
  }

  async kill(ref: ServiceRef): Promise<void> {
    await this.compose(['kill', '-s', 'SIGKILL', composeService(ref)]);
  }
  async stop(ref: ServiceRef): Promise<void> {
    await this.compose(['stop', composeService(ref)]);
  }
  async start(ref: ServiceRef): Promise<void> {
    await this.compose(['up', '-d', '--wait', composeService(ref)]);
  }
  async restart(ref: ServiceRef): Promise<void> {
    await this.compose(['restart', composeService(ref)]);
  }
  async pause(ref: ServiceRef): Promise<void> {
    await this.compose(['pause', composeService(ref)]);
  }
  async resume(ref: ServiceRef): Promise<void> {
    await this.compose(['unpause', composeService(ref)]);
  }
  logFile(ref: ServiceRef): string {
    return `docker compose -p paylab logs ${composeService(ref)}`;
  }
  /** The runner starts k6 on the host (host network, loopback ports) with the natively built binary. */
  k6Path(): string {
    return toolPaths(this.config).k6;
  }
}
