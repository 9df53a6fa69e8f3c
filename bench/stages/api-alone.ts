/**
 * The API alone (relay and workers stopped): closed-model load at a few concurrencies; the figure
 * is the highest accepted rate whose p95 stays within 100 ms. What it accepted stays in the outbox
 * for the relay stage.
 */
import { closedLoad } from '../http-load.ts';
import { setStack, type BenchLab } from '../lab.ts';
import { percentile } from '../stats.ts';

export const API_P95_LIMIT_MS = 100;

export interface ApiLevel {
  connections: number;
  acceptedPerSec: number;
  p95Ms: number;
  failed: number;
}

export interface ApiAlone {
  acceptedPerSec: number;
  p95Ms: number;
  /** False when no level kept p95 within the limit (a machine too busy): the figure is then the
   *  rate of the level with the lowest p95, and the report says so. */
  latencyBoundMet: boolean;
  levels: ApiLevel[];
}

/** The best level within the latency limit; a level with failures does not count. */
export function bestApiLevel(
  levels: readonly ApiLevel[],
  p95LimitMs = API_P95_LIMIT_MS,
): ApiLevel | undefined {
  return levels
    .filter((l) => l.p95Ms <= p95LimitMs && l.failed === 0)
    .sort((a, b) => b.acceptedPerSec - a.acceptedPerSec)[0];
}

export async function measureApiAlone(
  lab: BenchLab,
  options: { connections: readonly number[]; seconds: number; seed: number },
): Promise<ApiAlone> {
  await setStack(lab, { relay: 0, worker: 0 });
  const merchant = lab.secrets.merchants[0];
  if (!merchant) throw new Error('no merchant credentials in the lab secrets');
  const { host, port } = lab.config.services.api;
  // Warm the API's pool and JIT before the first measured level.
  await closedLoad({
    url: `http://${host}:${port}`,
    apiKey: merchant.apiKey,
    connections: 4,
    seconds: 1,
    seed: options.seed,
  });
  const levels: ApiLevel[] = [];
  for (const connections of options.connections) {
    const run = await closedLoad({
      url: `http://${host}:${port}`,
      apiKey: merchant.apiKey,
      connections,
      seconds: options.seconds,
      seed: options.seed,
    });
    const level = {
      connections,
      acceptedPerSec: run.accepted / run.seconds,
      p95Ms: percentile(run.latenciesMs, 95),
      failed: run.failed,
    };
    levels.push(level);
    lab.log(
      `  api alone: ${connections} connections → ${level.acceptedPerSec.toFixed(0)} accepted/s, p95 ${level.p95Ms.toFixed(1)} ms${level.failed ? `, ${level.failed} failed` : ''}`,
    );
  }
  const best = bestApiLevel(levels);
  if (best) return { acceptedPerSec: best.acceptedPerSec, p95Ms: best.p95Ms, latencyBoundMet: true, levels };
  const fastest = [...levels].filter((l) => l.failed === 0).sort((a, b) => a.p95Ms - b.p95Ms)[0];
  lab.log(`  api alone: no level kept p95 ≤ ${API_P95_LIMIT_MS} ms; taking the level with the lowest p95`);
  return {
    acceptedPerSec: fastest?.acceptedPerSec ?? Number.NaN,
    p95Ms: fastest?.p95Ms ?? Number.NaN,
    latencyBoundMet: false,
    levels,
  };
}
