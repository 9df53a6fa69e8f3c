import { describe, expect, it } from 'vitest';
import { parseArgs } from './args.ts';

describe('scenario CLI flags', () => {
  it('reads a name and overrides, in both --flag value and --flag=value forms', () => {
    expect(parseArgs(['smoke', '--rate', '5', '--duration=20', '--workers', '3', '--seed', '7'])).toEqual({
      name: 'smoke',
      list: false,
      help: false,
      plain: false,
      seed: 7,
      overrides: { rate: 5, durationSeconds: 20, workers: 3 },
    });
  });
  it.each([
    [['smoke', '--rate', 'fast'], '--rate expects a number'],
    [['smoke', '--duration', '2.5'], '--duration expects a whole number'],
    [['smoke', '--workers'], 'got nothing'],
    [['smoke', '--colour'], 'unknown flag --colour'],
    [['smoke', 'baseline'], 'one scenario at a time'],
  ])('refuses %j naming the problem', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message);
  });
  it('when npm ate a flag (typed without the -- separator), then it says what to type instead of running the default', () => {
    expect(() => parseArgs(['smoke'], { npm_config_rate: '50' })).toThrow(
      'npm took --rate=50 as its own option, so the scenario would run without it: type npm run scenario smoke -- --rate=50',
    );
    expect(() => parseArgs(['smoke', '50'], { npm_config_rate: 'true' })).toThrow(
      'npm took --rate as its own option',
    );
    expect(() => parseArgs(['--list'], { npm_config_cache: '/root/.npm' })).not.toThrow();
  });
  it('takes --runtime native|docker and refuses anything else', () => {
    expect(parseArgs(['smoke', '--runtime', 'docker'], {}).runtime).toBe('docker');
    expect(parseArgs(['smoke', '--runtime=native'], {}).runtime).toBe('native');
    expect(parseArgs(['smoke'], {}).runtime).toBeUndefined();
    expect(() => parseArgs(['smoke', '--runtime', 'podman'], {})).toThrow(
      /--runtime expects native or docker, got "podman"/,
    );
    expect(() => parseArgs(['smoke'], { npm_config_runtime: 'docker' })).toThrow(/-- --runtime=docker/);
  });
});
