/**
 * A property-based fuzz of the API from its own OpenAPI document: schemathesis (pinned, installed
 * into a virtualenv by the lab on first use) generates valid and invalid requests for every
 * operation, and follows the document's links so a created payment's id flows into GET and cancel.
 * Against the real API on the real PostgreSQL and Redis (a cloned database, merchants with
 * throwaway keys). The verdict is read from the requests and responses schemathesis recorded
 * (its NDJSON report), not from the API's own counters: no 5xx at all, over at least 1,000 of them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { run } from '../../lab/native/exec.ts';
import { ensureSchemathesis } from '../../lab/native/schemathesis.ts';
import { startTestApi, type TestApi } from './testing/test-api.ts';

/** Fixed, so a failure replays; printed by schemathesis with every failure too. */
const SEED = 42;
/** Per operation and phase; with six operations and four phases this is well over 1,000 requests. */
const MAX_EXAMPLES = 120;
const MIN_REQUESTS = 1_000;
/** A hard bound for the whole run on a busy 2-core machine. */
const RUN_TIMEOUT_MS = 240_000;
/** Makes generated creates add up, so links from created payments are followed (see the file). */
const HOOKS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testing', 'schemathesis_hooks.py');
/**
 * Every check schemathesis has (not_a_server_error, status_code_conformance,
 * response_schema_conformance, content_type_conformance, negative_data_rejection,
 * unsupported_method, allow_header_conformance, ignored_auth, …) except positive_data_acceptance:
 * the items-sum rule and the card-number refusal are deliberate 400s on schema-valid bodies.
 */
const EXCLUDED_CHECKS = ['positive_data_acceptance'];

let api: TestApi;
let baseUrl: string;
let schemathesis: string;
let workDir: string;

beforeAll(async () => {
  schemathesis = await ensureSchemathesis(loadConfig(), (line) => console.log(`[fuzz] ${line}`));
  api = await startTestApi('openapi_fuzz');
  baseUrl = await api.app.listen({ host: '127.0.0.1', port: 0 });
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paylab-fuzz-'));
}, 600_000);

afterAll(async () => {
  await api?.close();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

interface Interaction {
  request: { method: string; uri: string };
  response: { status_code: number } | null;
}

/** Every request schemathesis sent and what came back, from its NDJSON event stream. */
function interactionsOf(ndjsonFile: string): Interaction[] {
  const interactions: Interaction[] = [];
  for (const line of fs.readFileSync(ndjsonFile, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const event = JSON.parse(line) as {
      ScenarioFinished?: { recorder?: { interactions?: Record<string, Interaction> } };
    };
    interactions.push(...Object.values(event.ScenarioFinished?.recorder?.interactions ?? {}));
  }
  return interactions;
}

describe('the OpenAPI document, fuzzed by schemathesis', () => {
  it(
    `when ≥ ${MIN_REQUESTS} generated requests follow it (links included), then none gets a server error and every answer conforms`,
    async () => {
      const report = path.join(workDir, 'events.ndjson');
      const result = await run(
        schemathesis,
        [
          'run',
          `${baseUrl}/openapi.json`,
          '--header',
          `Authorization: Bearer ${api.keys.a}`,
          '--seed',
          String(SEED),
          '--max-examples',
          String(MAX_EXAMPLES),
          '--phases',
          'examples,coverage,fuzzing,stateful',
          '--checks',
          'all',
          '--exclude-checks',
          EXCLUDED_CHECKS.join(','),
          '--workers',
          '1',
          '--request-timeout',
          '10',
          '--suppress-health-check',
          'too_slow',
          '--report',
          'ndjson',
          '--report-ndjson-path',
          report,
        ],
        // Hypothesis keeps its example database in the working directory: keep it out of the repo.
        {
          cwd: workDir,
          timeoutMs: RUN_TIMEOUT_MS,
          env: { ...process.env, NO_COLOR: '1', SCHEMATHESIS_HOOKS: HOOKS, PYTHONDONTWRITEBYTECODE: '1' },
        },
      );
      const tail = result.output.split('\n').slice(-80).join('\n');

      const interactions = interactionsOf(report);
      const serverErrors = interactions
        .filter((i) => (i.response?.status_code ?? 0) >= 500)
        .map((i) => `${i.response?.status_code} ${i.request.method} ${i.request.uri}`);
      expect(serverErrors, tail).toEqual([]);
      expect(interactions.length, tail).toBeGreaterThanOrEqual(MIN_REQUESTS);

      // The links worked: ids from creates reached GET and cancel, which answered for a real payment.
      const payment = /\/payments\/[0-9a-f-]{36}$/;
      const cancel = /\/payments\/[0-9a-f-]{36}\/cancel$/;
      const reads = interactions.filter(
        (i) => i.request.method === 'GET' && payment.test(i.request.uri) && i.response?.status_code === 200,
      );
      const cancels = interactions.filter(
        (i) => i.request.method === 'POST' && cancel.test(i.request.uri) && i.response?.status_code === 202,
      );
      const statuses = new Map<number, number>();
      for (const i of interactions) {
        const status = i.response?.status_code ?? 0;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
      console.log(
        `[fuzz] seed ${SEED}: ${interactions.length} requests, ${serverErrors.length} server errors, ` +
          `${reads.length} reads and ${cancels.length} cancels of created payments; statuses ` +
          [...statuses.entries()]
            .sort(([a], [b]) => a - b)
            .map(([s, n]) => `${s}×${n}`)
            .join(' '),
      );
      expect(reads.length, tail).toBeGreaterThan(0);
      expect(cancels.length, tail).toBeGreaterThan(0);

      expect(result.code, tail).toBe(0);
    },
    RUN_TIMEOUT_MS + 30_000,
  );
});
