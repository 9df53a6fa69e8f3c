/**
 * requests/*.http use only what httpyac AND the JetBrains HTTP client both run. The VS Code REST
 * Client's chaining (`# @name x` + {{x.response.body.$.data.id}}) errors in httpyac (6 of 27
 * requests of payments.http did) and is unknown to JetBrains; {{$guid}} is not a JetBrains
 * variable. Chaining is by response handler (client.global.set) and {{$uuid}}.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assertedStatus, fileVariables, requestBlocks } from './http-file.ts';

const DIR = path.dirname(fileURLToPath(import.meta.url));
const FILES = fs.readdirSync(DIR).filter((f) => f.endsWith('.http'));

describe.each(FILES)('%s', (name) => {
  const file = fs.readFileSync(path.join(DIR, name), 'utf8');

  it('has no REST-Client-only chaining and no {{$guid}}', () => {
    expect(file).not.toMatch(/^# @name /m);
    expect(file).not.toMatch(/\{\{[\w-]+\.response\./);
    expect(file).not.toContain('{{$guid}}');
  });

  it('every {{variable}} is an in-file variable, one a handler sets before its use, or $uuid', () => {
    const known = new Set(fileVariables(file).keys());
    for (const block of requestBlocks(file)) {
      const used = [...block.text.replace(/^> \{%[\s\S]*?%\}/m, '').matchAll(/\{\{\s*([^}\s]+)\s*\}\}/g)].map(
        (m) => m[1] ?? '',
      );
      for (const variable of used) {
        if (variable.startsWith('$'))
          expect(['$uuid', '$timestamp'], `${block.title}: ${variable}`).toContain(variable);
        else expect(known.has(variable), `${block.title}: {{${variable}}} is set nowhere before`).toBe(true);
      }
      for (const m of (block.handler ?? '').matchAll(/client\.global\.set\("([\w-]+)"/g))
        known.add(m[1] ?? '');
    }
  });
});

describe('payments.http', () => {
  it('every request asserts the status it exists to show', () => {
    const file = fs.readFileSync(path.join(DIR, 'payments.http'), 'utf8');
    const requests = requestBlocks(file).filter((b) => b.requestLine);
    expect(requests.length).toBeGreaterThan(20);
    for (const block of requests) expect(assertedStatus(block), block.title).toBeDefined();
  });
});
