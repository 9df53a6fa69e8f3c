/**
 * The pg-mock entry point as the lab runs it: a real process on a free loopback port with its own
 * lab folder (so its secrets are its own), healthy, guarded, and closing promptly on SIGTERM —
 * even while a "charge then time out" socket is deliberately held open.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { loadSecrets } from '../secrets.ts';

const entry = path.join(import.meta.dirname, 'pg-mock.ts');
let child: ChildProcess;
let base: string;
let token: string;
let labDir: string;
let output = '';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitHealthy(url: string, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(500) })).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`pg-mock did not become healthy; output:\n${output}`);
}

beforeAll(async () => {
  labDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paylab-pgmock-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PAYLAB_LAB_DIR: labDir,
    PAYLAB_PG_MOCK_PORT: String(port),
    PAYLAB_SEED: '5',
  };
  delete env.PAYLAB_PG_ADMIN_TOKEN;
  child = spawn(process.execPath, ['--import', 'tsx', entry], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  base = `http://127.0.0.1:${port}`;
  await waitHealthy(`${base}/health`, 20_000);
  token = loadSecrets(loadConfig({ PAYLAB_LAB_DIR: labDir }), {}).pgMockAdminToken;
}, 30_000);

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
  fs.rmSync(labDir, { recursive: true, force: true });
});

describe('pg-mock process', () => {
  it('serves Prometheus metrics with the fault profile and Node defaults', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('paylab_pg_fault_setting{fault="seed"} 5');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('guards the admin API with the token from the lab secrets, and never logs it', async () => {
    expect((await fetch(`${base}/admin/faults`)).status).toBe(401);
    const ok = await fetch(`${base}/admin/faults`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ seed: 5 });
    expect(output).not.toContain(token);
  });

  it('exits 0 promptly on SIGTERM, even with a held charge-then-time-out socket', async () => {
    const held = fetch(`${base}/v1/captures`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        paymentId: 'p',
        orderId: 'order-TIMEOUT',
        pgIdempotencyKey: 'k',
        amount: 1,
        currency: 'KRW',
        method: 'card',
        methodReference: 'tok',
      }),
    }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const started = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await held).toBeInstanceOf(Error);
    expect(output).toContain('pg-mock shutting down');
  });
});
