import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../system/src/config.ts';
import { grafanaAnnotator } from './grafana.ts';
import type { TimelineEvent } from './timeline.ts';

const event: TimelineEvent = {
  t: 1,
  time: '1970-01-01T00:00:00.001Z',
  event: 'start',
  faultId: 'f1',
  target: 'kafka',
  kind: 'down',
  label: 'kafka down',
};

let server: http.Server | undefined;
afterEach(() => server?.close());

/** A stand-in with Grafana's answers: healthy, but annotations refused as for an anonymous Viewer. */
async function grafanaRefusingAnnotations(posts: string[]): Promise<number> {
  server = http.createServer((req, res) => {
    if (req.url === '/api/health') return void res.end('{"database":"ok"}');
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      posts.push(body);
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end('{"message":"You\'ll need additional permissions to perform this action."}');
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('grafanaAnnotator', () => {
  it('reports a refused annotation once instead of dropping it silently', async () => {
    const posts: string[] = [];
    const port = await grafanaRefusingAnnotations(posts);
    const config = loadConfig({ PAYLAB_GRAFANA_PORT: String(port) });
    const refusals: string[] = [];
    const annotator = await grafanaAnnotator(config, 'run-1', (m) => refusals.push(m));
    annotator.annotate(event);
    annotator.annotate({ ...event, event: 'end' });
    await expect.poll(() => posts.length).toBe(2);
    await expect.poll(() => refusals.length).toBe(1);
    expect(refusals[0]).toMatch(/HTTP 403/);
    expect(JSON.parse(posts[0] ?? '{}')).toMatchObject({
      tags: ['paylab', 'fault', 'start', 'kafka', 'run-1'],
    });
  });
});
