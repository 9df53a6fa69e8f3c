/**
 * The lab CLI: `npm run lab -- <command>` or the package bin `paylab <command>`.
 * Errors a user can act on are printed as one message, never as a stack trace.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, withBrokers, type KafkaBrokerCount } from '../src/config.ts';
import {
  commandUsage,
  LAB_COMMANDS,
  parseLabArgs,
  USAGE,
  UsageError,
  type LabCommand,
  type LabCommandName,
} from './args.ts';
import { formatElapsed } from './native/progress.ts';
import { toolPaths, ToolInstallError } from './native/tools.ts';
import { CommandError } from './native/exec.ts';
import { silenceKafkajsTimerWarning } from '../src/kafkajs-timer-warning.ts';
import { formatStatusTable } from './status-table.ts';
import type { RuntimeKind } from './create-runtime.ts';
import { recordRuntime, runtimeFor as resolvedRuntime } from './runtime-for.ts';
import { LabError, type LabRuntime } from './runtime.ts';

silenceKafkajsTimerWarning();

const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** `--runtime` when given, else PAYLAB_RUNTIME, else the runtime the last `up` recorded, else native;
 *  `--brokers` picks the Kafka topology `up` brings (other commands find it from the stack state). */
function runtimeFor(kind: RuntimeKind | undefined, brokers?: KafkaBrokerCount): LabRuntime {
  const base = loadConfig();
  return resolvedRuntime(kind, brokers === undefined ? base : withBrokers(base, brokers));
}

async function main(command: LabCommand): Promise<number> {
  const started = Date.now();
  switch (command.command) {
    case 'help':
      print(command.topic ? commandUsage(command.topic) : USAGE);
      return 0;
    case 'up': {
      const runtime = runtimeFor(command.runtime, command.brokers);
      const instances = {
        ...(command.relays !== undefined ? { relay: command.relays } : {}),
        ...(command.workers !== undefined ? { worker: command.workers } : {}),
      };
      await runtime.up({ stack: !command.infraOnly, instances, onProgress: print });
      // Later commands without --runtime (scenario, status, down) drive this same stack.
      recordRuntime(loadConfig(), runtime.kind);
      print(
        `lab is up (${formatElapsed(Date.now() - started)}) — \`npm run lab -- status\` shows every service`,
      );
      return 0;
    }
    case 'down':
      await runtimeFor(command.runtime).down({ onProgress: print });
      print(`lab is down (${formatElapsed(Date.now() - started)})`);
      return 0;
    case 'reset': {
      await runtimeFor(command.runtime).reset({ onProgress: print });
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

const argv = process.argv.slice(2);
try {
  process.exitCode = await main(parseLabArgs(argv));
} catch (error) {
  const known = [UsageError, ConfigError, LabError, ToolInstallError, CommandError];
  if (known.some((kind) => error instanceof kind)) {
    process.stderr.write(`paylab lab: ${(error as Error).message}\n`);
    if (error instanceof UsageError) {
      const topic = (LAB_COMMANDS as readonly string[]).includes(argv[0] ?? '')
        ? commandUsage(argv[0] as LabCommandName)
        : USAGE;
      process.stderr.write(`\n${topic}`);
      // 2: the command line was wrong (as `paylab scenario`); 1: the lab failed.
      process.exitCode = 2;
    }
  } else {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`paylab lab: ${message}\n(set PAYLAB_DEBUG=1 for the stack trace)\n`);
    if (process.env.PAYLAB_DEBUG && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
  }
  process.exitCode = process.exitCode || 1;
}
