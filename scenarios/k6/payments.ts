/**
 * The load of every scenario: create a payment with an idempotency key derived from the run,
 * and for a share of them request a cancel — right after, or `cancelAfterSeconds` later. Parameterised by the environment the
 * runner sets (PAYLAB_*); the merchant API key arrives in the environment and is never printed.
 *
 * Accepted payments are written one per line to k6's console output (the runner points
 * --console-output at a file in the run folder): k6 cannot write files, and the checker needs
 * the ids the API returned, independently of what the DB holds, to tell "lost" from "never made".
 */
import { sleep } from 'k6';
import http from 'k6/http';
import exec from 'k6/execution';
import { Counter, Rate, Trend } from 'k6/metrics';
import { buildOptions, readLoad } from './lib/load-options.ts';
import { choice, createBody, idempotencyKey, keyReuseOf } from './lib/payment-requests.ts';
import {
  CREATE_STATUS_CLASSES,
  createStatusClass,
  createStatusMetric,
} from '../../chaos/collect/create-status.ts';

const load = readLoad(__ENV.PAYLAB_LOAD);
const apiUrl = __ENV.PAYLAB_API_URL ?? 'http://127.0.0.1:18080';
const runId = __ENV.PAYLAB_RUN_ID ?? 'manual';
const seed = Number(__ENV.PAYLAB_SEED ?? '42');
const summaryFile = __ENV.PAYLAB_SUMMARY_FILE ?? 'k6-summary.json';

export const options = buildOptions(load);

const createsAttempted = new Counter('paylab_creates_attempted');
const createsAccepted = new Counter('paylab_creates_accepted');
const iterationsAccepted = new Counter('paylab_iterations_accepted');
// One counter per answer class: the runner fails a run whose creates got 401 or another client error.
const createStatus = Object.fromEntries(
  CREATE_STATUS_CLASSES.map((c) => [c, new Counter(createStatusMetric(c))]),
) as Record<(typeof CREATE_STATUS_CLASSES)[number], Counter>;
const createErrors = new Rate('paylab_create_errors');
const createDuration = new Trend('paylab_create_duration', true);
const cancelsAccepted = new Counter('paylab_cancels_accepted');
const cancelsRefused = new Counter('paylab_cancels_refused');
const cancelErrors = new Counter('paylab_cancel_errors');

function headers(extra: Record<string, string> = {}): Record<string, string> {
  return {
    Authorization: `Bearer ${__ENV.PAYLAB_API_KEY ?? ''}`,
    'Content-Type': 'application/json',
    ...extra,
  };
}

export function setup(): void {
  const res = http.get(`${apiUrl}/health/ready`, { timeout: '5s', tags: { name: 'ready' } });
  if (res.status !== 200)
    exec.test.abort(`the API at ${apiUrl} is not ready (HTTP ${res.status}): is the stack up?`);
  if (!__ENV.PAYLAB_API_KEY) exec.test.abort('PAYLAB_API_KEY is not set');
  // The arrival-rate clock starts right after setup: the runner plays the fault timeline from here.
  console.log(`paylab-load-start ${Date.now()}`);
}

function paymentIdOf(body: unknown): string | null {
  if (typeof body !== 'string') return null;
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null) return null;
    const data = (parsed as { data?: unknown }).data;
    if (typeof data !== 'object' || data === null) return null;
    const id = (data as { id?: unknown }).id;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

/** Counts one create answer by class; the payment id when it was accepted (logged for the checker). */
function answered(res: http.RefinedResponse<http.ResponseType | undefined>, key: string): string | null {
  createDuration.add(res.timings.duration);
  createStatus[createStatusClass(res.status)].add(1);
  const id = res.status >= 200 && res.status < 300 ? paymentIdOf(res.body) : null;
  createErrors.add(id === null);
  if (id === null) return null;
  createsAccepted.add(1);
  console.log(`paylab-accepted ${id} ${key} ${Date.now()}`);
  return id;
}

export function payments(): void {
  const iteration = exec.scenario.iterationInTest;
  // A replay sends an earlier iteration's key and body again; a race sends its own twice at once.
  const reuse = keyReuseOf(load.keyReuse, seed, iteration);
  const source = reuse.kind === 'replay' ? reuse.of : iteration;
  const key = idempotencyKey(runId, source);
  const timeout = `${load.requestTimeoutSeconds}s`;
  const params = { headers: headers({ 'Idempotency-Key': key }), timeout, tags: { name: 'create' } };
  const body = JSON.stringify(createBody(runId, seed, source));
  const copies = reuse.kind === 'race' ? 2 : 1;
  createsAttempted.add(copies);
  const responses =
    copies === 2
      ? http.batch([
          ['POST', `${apiUrl}/payments`, body, params],
          ['POST', `${apiUrl}/payments`, body, params],
        ])
      : [http.post(`${apiUrl}/payments`, body, params)];
  let id: string | null = null;
  for (const res of responses) id = answered(res, key) ?? id;
  if (id === null) return;
  iterationsAccepted.add(1);
  // The iteration that owns the key decided whether to cancel it.
  if (reuse.kind === 'replay') return;
  if (choice(seed, iteration, 'cancel') >= load.cancelRatio) return;
  // A merchant who cancels seconds later, while the capture is in flight. The wait holds this VU
  // (the arrival clock goes on with others): size maxVUs for rate × cancelRatio × max delay.
  const after = load.cancelAfterSeconds ?? { min: 0, max: 0 };
  const delay = after.min + choice(seed, iteration, 'cancel-after') * (after.max - after.min);
  if (delay > 0) sleep(delay);
  const cancel = http.post(`${apiUrl}/payments/${id}/cancel`, JSON.stringify({ reason: 'lab cancel' }), {
    headers: headers(),
    timeout,
    tags: { name: 'cancel' },
  });
  if (cancel.status === 202) cancelsAccepted.add(1);
  // 409: already terminal, not cancelable — a valid answer, not an error.
  else if (cancel.status === 409) cancelsRefused.add(1);
  else cancelErrors.add(1);
}

export function handleSummary(data: Record<string, unknown>): Record<string, string> {
  return {
    [summaryFile]: JSON.stringify(data, null, 2),
    stdout: `k6 finished; summary written to ${summaryFile}\n`,
  };
}
