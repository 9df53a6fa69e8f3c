/**
 * The lab CLI: `npm run lab -- <command>` or the package bin `paylab <command>`.
 * Errors a user can act on are printed as one message, never as a stack trace.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, withBrokers, type KafkaBrokerCount } from '../src/config.ts';
import { parseLabArgs, USAGE, UsageError, type LabCommand } from './args.ts';
import { DockerRuntime } from './docker/runtime.ts';
import { formatElapsed } from './native/progress.ts';
import { LabError, NativeRuntime } from './native/runtime.ts';
import { toolPaths, ToolInstallError } from './native/tools.ts';
import { CommandError } from './native/exec.ts';
import { silenceKafkajsTimerWarning } from './native/warnings.ts';
import { formatStatusTable } from './status-table.ts';
import type { LabRuntime } from './runtime.ts';

silenceKafkajsTimerWarning();

const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

function runtimeFor(kind: 'native' | 'docker', brokers?: KafkaBrokerCount): LabRuntime {
  const base = loadConfig();
  const config = brokers === undefined ? base : withBrokers(base, brokers);
  return kind === 'docker' ? new DockerRuntime(config) : new NativeRuntime(config);
}

async function main(command: LabCommand): Promise<number> {
  const started = Date.now();
  switch (command.command) {
    case 'help':
      print(USAGE);
      return 0;
    case 'up': {
      const runtime = runtimeFor(command.runtime, command.brokers);
      const instances = {
        ...(command.relays !== undefined ? { relay: command.relays } : {}),
        ...(command.workers !== undefined ? { worker: command.workers } : {}),
      };
      await runtime.up({ stack: !command.infraOnly, instances, onProgress: print });
      print(
        `lab is up (${formatElapsed(Date.now() - started)}) — \`npm run lab -- status\` shows every service`,
      );
      const statuses = await runtime.status();
      const missing = statuses.filter((s) => s.detail?.startsWith('missing'));
      if (missing.length > 0 && !command.infraOnly) {
        print(`note: ${missing.map((s) => s.service).join(', ')} not started (entry point not written yet)`);
      }
      return 0;
    }
    case 'down':
      await runtimeFor(command.runtime).down({ onProgress: print });
      print(`lab is down (${formatElapsed(Date.now() - started)})`);
      return 0;
    case 'reset': {
      const runtime = runtimeFor(command.runtime);
      if (runtime instanceof NativeRuntime) await runtime.reset({ onProgress: print });
      else await runtime.down({ onProgress: print });
      print('lab state wiped; `npm run lab -- up` starts from scratch (tools and secrets were kept)');
      return 0;
    }
    case 'status': {
      const statuses = await runtimeFor(command.runtime).status();
      if (command.json) print(JSON.stringify(statuses, null, 2));
      else print(formatStatusTable(statuses));
      return statuses.some((s) => s.state === 'unhealthy') ? 1 : 0;
    }
    case 'logs':
      return showLogs(command.target, command.follow, command.lines);
    case 'tools': {
      const tools = toolPaths(loadConfig());
      for (const [name, where] of Object.entries(tools)) {
        print(
          `${name.padEnd(16)} ${where}${fs.existsSync(where) ? '' : '   (not installed yet: `up` installs it)'}`,
        );
      }
      return 0;
    }
  }
}

function showLogs(target: string, follow: boolean, lines: number): Promise<number> {
  const config = loadConfig();
  const file = path.join(config.paths.logsDir, `${target}.log`);
  if (!fs.existsSync(file)) {
    const known = fs.existsSync(config.paths.logsDir)
      ? fs
          .readdirSync(config.paths.logsDir)
          .filter((f) => f.endsWith('.log'))
          .map((f) => f.slice(0, -4))
      : [];
    throw new LabError(
      `no log for ${target} in ${config.paths.logsDir}; known: ${known.join(', ') || 'none yet'}`,
    );
  }
  const child = spawn('tail', ['-n', String(lines), ...(follow ? ['-F'] : []), file], { stdio: 'inherit' });
  return new Promise((resolve) => child.on('close', (code) => resolve(code ?? 0)));
}

try {
  process.exitCode = await main(parseLabArgs(process.argv.slice(2)));
} catch (error) {
  const known = [UsageError, ConfigError, LabError, ToolInstallError, CommandError];
  if (known.some((kind) => error instanceof kind)) {
    process.stderr.write(`paylab lab: ${(error as Error).message}\n`);
    if (error instanceof UsageError) process.stderr.write(`\n${USAGE}`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`paylab lab: ${message}\n(set PAYLAB_DEBUG=1 for the stack trace)\n`);
    if (process.env.PAYLAB_DEBUG && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
  }
  process.exitCode = process.exitCode || 1;
}
