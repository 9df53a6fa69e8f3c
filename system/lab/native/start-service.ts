/**
 * Starting one service: reuse its own running process when its settings did not change, else
 * (re)start it detached, record it in its pid file with a fingerprint of what it was started
 * with, and wait for its real health check.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { LabConfig } from '../../src/config.ts';
import { LabError } from '../runtime.ts';
import { WaitTimeoutError, waitUntil } from './backoff.ts';
import { killOrphan, orphansOf } from './orphans.ts';
import type { PidRecord } from './proc-info.ts';
import { tcpOpen } from './probes.ts';
import type { LabContext, Launch, ServiceDef } from './service-def.ts';
import { logFileOf, pidFileOf } from './services.ts';
import { isAlive, launch, signalGroup, terminate, track } from './supervisor.ts';

/** Lines of a service's log quoted when it fails to start. */
const LOG_TAIL_LINES = 20;

function tail(file: string, lines = LOG_TAIL_LINES): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function portOf(address: string): number | undefined {
  const match = /^[^\s:]+:(\d+)/.exec(address);
  return match ? Number(match[1]) : undefined;
}

/** What a service was started with; only the settings it reads count, so a worker knob never bounces the api. */
export function fingerprint(l: Launch): string {
  const relevant = new Set(l.settingsEnv ?? []);
  const strategy = Object.entries(l.env)
    .filter(([k]) => relevant.has(k))
    .sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256')
    .update(JSON.stringify([l.cmd, l.args, strategy]))
    .digest('hex')
    .slice(0, 16);
}

async function waitHealthy(ctx: LabContext, def: ServiceDef, record: PidRecord): Promise<void> {
  const logFile = logFileOf(ctx.config, def);
  let died = false;
  try {
    await waitUntil(
      def.label,
      async () => {
        if (!isAlive(record)) {
          died = true;
          return true;
        }
        return def.healthy(ctx);
      },
      { timeoutMs: def.startTimeoutMs, initialDelayMs: 100, maxDelayMs: 1000 },
    );
  } catch (error) {
    if (error instanceof WaitTimeoutError) {
      throw new LabError(`${error.message}\n--- last lines of ${logFile}:\n${tail(logFile)}`);
    }
    throw error;
  }
  if (died) {
    fs.rmSync(pidFileOf(ctx.config, def), { force: true });
    throw new LabError(
      `${def.label} exited during start-up\n--- last lines of ${logFile}:\n${tail(logFile)}`,
    );
  }
}

/** Starts one service unless its own process is already running with the same settings
 *  (keepRunning: whatever its settings); waits for health either way. */
export async function startService(
  ctx: LabContext,
  def: ServiceDef,
  keepRunning = false,
): Promise<'started' | 'running'> {
  const config: LabConfig = ctx.config;
  const pidFile = pidFileOf(config, def);
  const spec = def.launch(ctx);
  const print = fingerprint(spec);
  const current = track(pidFile);
  if (current.record && current.ownership.kind === 'ours') {
    if (current.ownership.paused) signalGroup(current.record, 'SIGCONT');
    if (keepRunning || current.record.fingerprint === print) {
      await waitHealthy(ctx, def, current.record);
      await def.afterStart?.(ctx);
      return 'running';
    }
    ctx.sink(`  ${def.label}: settings changed, restarting`);
    await terminate(current.record, def.stopSignal, def.graceMs);
    fs.rmSync(pidFile, { force: true });
  }
  for (const pid of orphansOf(spec)) {
    ctx.sink(`  ${def.label}: stopping an earlier lab process (pid ${pid}) that lost its pid file`);
    await killOrphan(pid, def);
  }
  await def.prepare?.(ctx);
  const port = portOf(def.address(config));
  if (port !== undefined && (await tcpOpen({ host: config.services.db.host, port }))) {
    throw new LabError(
      `${def.label}: port ${port} is already in use by a process the lab did not start; stop it or move the lab with the PAYLAB_*_PORT variables (system/src/config.ts)`,
    );
  }
  const record = launch({
    service: def.service,
    instance: def.instance,
    cmd: spec.cmd,
    args: spec.args,
    env: spec.env,
    cwd: spec.cwd,
    logFile: logFileOf(config, def),
    pidFile,
    marker: spec.marker,
    uid: spec.uid,
    gid: spec.gid,
  });
  fs.writeFileSync(pidFile, `${JSON.stringify({ ...record, fingerprint: print })}\n`);
  await waitHealthy(ctx, def, record);
  await def.afterStart?.(ctx);
  return 'started';
}
