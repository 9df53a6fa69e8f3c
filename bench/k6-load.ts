/**
 * k6 at a constant arrival rate against the whole stack, with the lab's own k6 script (the one every
 * scenario runs) and no cancels: each iteration is one payment, so per-payment figures divide by
 * iterations. k6 runs on the same machine, as in a scenario, and its CPU is counted as the lab's.
 */
import fs from 'node:fs';
import { readK6Summary, type K6Numbers } from '../chaos/collect/k6-output.ts';
import { k6Files, startK6, waitForLoadStart, type K6Run } from '../scenarios/runner/k6-process.ts';
import { toolPaths } from '../system/lab/native/tools.ts';
import type { BenchLab } from './lab.ts';

export interface ConstantLoad {
  k6: K6Run;
  /** Epoch ms when k6's arrival clock started (null: it never started). */
  started: number | null;
  /** Waits for k6 to end and reads its summary. */
  finish(): Promise<K6Numbers>;
}

export async function startConstantLoad(
  lab: BenchLab,
  options: { rate: number; seconds: number; dir: string; seed: number; runId: string },
): Promise<ConstantLoad> {
  fs.mkdirSync(options.dir, { recursive: true });
  const merchant = lab.secrets.merchants[0];
  if (!merchant) throw new Error('no merchant credentials in the lab secrets');
  const files = k6Files(options.dir);
  const k6 = startK6({
    k6Path: toolPaths(lab.config).k6,
    config: lab.config,
    load: {
      executor: 'constant-arrival-rate',
      rate: options.rate,
      durationSeconds: options.seconds,
      preAllocatedVUs: Math.max(10, Math.ceil(options.rate / 5)),
      maxVUs: Math.max(50, options.rate * 4),
      cancelRatio: 0,
      requestTimeoutSeconds: 10,
    },
    maxDroppedIterations: Math.ceil(options.rate * options.seconds),
    runId: options.runId,
    seed: options.seed,
    apiKey: merchant.apiKey,
    files,
  });
  const started = await waitForLoadStart(files.console, k6.exited);
  return {
    k6,
    started,
    async finish() {
      const code = await k6.exited;
      if (!fs.existsSync(files.summary))
        throw new Error(`k6 left no summary (exit code ${code}); see ${files.log}`);
      return readK6Summary(JSON.parse(fs.readFileSync(files.summary, 'utf8')));
    },
  };
}
