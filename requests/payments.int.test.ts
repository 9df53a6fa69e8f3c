/**
 * requests/payments.http, run by httpyac (the CLI of the npm package) against the lab, exactly as
 * a user would run it, with only its in-file variables set: the lab's api address and the two
 * merchants' keys. Every request must get an answer, and each answer's status is read from
 * httpyac's own report and compared with the status the request asserts — so the samples cannot
 * rot unnoticed.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { loadConfig } from '../system/src/config.ts';
import { loadSecrets } from '../system/src/secrets.ts';
import { assertedStatus, requestBlocks, withVariables } from './http-file.ts';

const execFileAsync = promisify(execFile);
const DIR = path.dirname(fileURLToPath(import.meta.url));
const HTTPYAC = path.join(DIR, '..', 'node_modules', '.bin', 'httpyac');

interface HttpyacReport {
  summary: { totalRequests: number; erroredRequests: number; failedTests: number; erroredTests: number };
  requests: {
    title?: string;
    line: number;
    response?: { statusCode: number };
    testResults?: { message: string; status: string }[];
  }[];
}

it('payments.http runs in httpyac against the lab: every request answered with the status it asserts', async () => {
  const config = loadConfig();
  const secrets = loadSecrets(config);
  const [merchantA, merchantB] = secrets.merchants;
  if (!merchantA || !merchantB) throw new Error('the lab secrets have fewer than two merchants');
  const source = fs.readFileSync(path.join(DIR, 'payments.http'), 'utf8');
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'paylab-httpyac-'));
  try {
    // Mode 0600: the copy holds real (lab-local) keys.
    fs.writeFileSync(
      path.join(scratch, 'payments.http'),
      withVariables(source, {
        api: `http://${config.services.api.host}:${config.services.api.port}`,
        apiKey: merchantA.apiKey,
        otherApiKey: merchantB.apiKey,
      }),
      { mode: 0o600 },
    );
    const { stdout } = await execFileAsync(HTTPYAC, ['send', 'payments.http', '--all', '--json'], {
      cwd: scratch,
      timeout: 90_000,
      maxBuffer: 32 * 1024 * 1024,
    });
    const report = JSON.parse(stdout) as HttpyacReport;
    const expected = requestBlocks(source).filter((b) => b.requestLine);
    const answered = report.requests.filter((r) => r.response);
    expect(answered.map((r) => r.title)).toEqual(expected.map((b) => b.title));
    for (const [i, request] of answered.entries()) {
      const want = assertedStatus(expected[i]!);
      expect(request.response?.statusCode, request.title).toBe(want);
      expect(request.response?.statusCode ?? 500, request.title).toBeLessThan(500);
      const failed = (request.testResults ?? []).filter((t) => t.status !== 'SUCCESS');
      expect(failed, request.title).toEqual([]);
    }
    expect(report.summary.erroredRequests).toBe(0);
    expect(report.summary.failedTests + report.summary.erroredTests).toBe(0);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
});
