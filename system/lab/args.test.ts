import { describe, expect, it } from 'vitest';
import { parseLabArgs, UsageError } from './args.ts';

describe('parseLabArgs', () => {
  it('parses up with every option', () => {
    expect(parseLabArgs(['up', '--infra', '--runtime', 'docker', '--relays', '2', '--workers', '3'])).toEqual(
      {
        command: 'up',
        infraOnly: true,
        runtime: 'docker',
        relays: 2,
        workers: 3,
      },
    );
    expect(parseLabArgs(['up'])).toEqual({ command: 'up', infraOnly: false });
  });
  it('parses --brokers 1|3 and names anything else', () => {
    expect(parseLabArgs(['up', '--brokers', '3'])).toMatchObject({ command: 'up', brokers: 3 });
    expect(parseLabArgs(['up', '--brokers', '1'])).toMatchObject({ command: 'up', brokers: 1 });
    expect(() => parseLabArgs(['up', '--brokers', '2'])).toThrow(
      new UsageError('--brokers must be 1 (one broker) or 3 (the KRaft cluster), got 2'),
    );
    expect(() => parseLabArgs(['up', '--brokers'])).toThrow(/got nothing/);
  });
  it('parses status, logs, down and reset', () => {
    expect(parseLabArgs(['status', '--json'])).toEqual({ command: 'status', json: true });
    expect(parseLabArgs(['logs', 'worker-1', '-f', '-n', '500'])).toEqual({
      command: 'logs',
      target: 'worker-1',
      follow: true,
      lines: 500,
    });
    expect(parseLabArgs(['down'])).toEqual({ command: 'down' });
    expect(parseLabArgs(['reset'])).toEqual({ command: 'reset' });
    expect(parseLabArgs([])).toEqual({ command: 'help' });
  });
  it('names the problem in every usage error', () => {
    expect(() => parseLabArgs(['launch'])).toThrow(new UsageError('unknown command launch'));
    expect(() => parseLabArgs(['up', '--relays'])).toThrow(/--relays needs a whole number, got nothing/);
    expect(() => parseLabArgs(['up', '--workers', 'two'])).toThrow(/--workers needs a whole number, got two/);
    expect(() => parseLabArgs(['up', '--workers', '12'])).toThrow(/between 0 and 9/);
    expect(() => parseLabArgs(['up', '--runtime', 'podman'])).toThrow(
      /--runtime must be native or docker, got podman/,
    );
    expect(() => parseLabArgs(['up', '--force'])).toThrow(/unknown option --force for up/);
    expect(() => parseLabArgs(['logs'])).toThrow(/logs needs a service name/);
    expect(() => parseLabArgs(['logs', '../../etc/passwd'])).toThrow(/not a service name/);
    expect(() => parseLabArgs(['logs', 'api', '-n', '0'])).toThrow(/positive number of lines/);
  });
});
