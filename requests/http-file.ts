/**
 * Reading a `.http` request file the way both httpyac and the JetBrains HTTP client do: requests
 * separated by `###` lines, in-file variables (`@name = value`), response handlers (`> {% … %}`).
 * Used by the tests that keep requests/*.http runnable in both clients.
 */

export interface HttpRequestBlock {
  title: string;
  /** The request line, e.g. "POST {{api}}/payments"; undefined for a section separator. */
  requestLine?: string;
  /** The JavaScript of its response handler, if any. */
  handler?: string;
  text: string;
}

const METHOD = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \S+/m;

export function requestBlocks(file: string): HttpRequestBlock[] {
  return file
    .split(/^(?=###)/m)
    .filter((b) => b.startsWith('###'))
    .map((text) => {
      const title = (text.split('\n')[0] ?? '').replace(/^###\s*/, '');
      const handler = /^> \{%([\s\S]*?)%\}/m.exec(text)?.[1];
      return { title, requestLine: METHOD.exec(text)?.[0], handler, text };
    });
}

/** In-file variables: `@name = value` lines. */
export function fileVariables(file: string): Map<string, string> {
  return new Map(
    [...file.matchAll(/^@([\w-]+)\s*=\s*(.*)$/gm)].map((m) => [m[1] ?? '', (m[2] ?? '').trim()]),
  );
}

/** The status a request's handler asserts (`response.status === NNN`). */
export function assertedStatus(block: HttpRequestBlock): number | undefined {
  const m = /response\.status === (\d{3})/.exec(block.handler ?? '');
  return m ? Number(m[1]) : undefined;
}

/** A copy with in-file variables replaced (the lab's address, real keys), nothing else touched. */
export function withVariables(file: string, values: Readonly<Record<string, string>>): string {
  return file.replace(/^@([\w-]+)\s*=.*$/gm, (line, name: string) =>
    name in values ? `@${name} = ${values[name]}` : line,
  );
}
