import { describe, expect, it } from 'vitest';
import { DEFAULT_RUNS, parseDuration, parseExploreArgs } from './args.ts';

const message = (argv: string[], env: Record<string, string> = {}) => {
  try {
    parseExploreArgs(argv, env);
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
};

describe('explore flags', () => {
  it('when nothing is given, then it plays the default runs from seed 1 on the robust stack', () => {
    expect(parseExploreArgs([], {})).toMatchObject({
      runs: DEFAULT_RUNS,
      budgetMs: null,
      seed: 1,
      strategy: {},
    });
  });
  it('reads knobs, the fault filter, a budget and the seed', () => {
    const a = parseExploreArgs(
      [
        '--budget',
        '30m',
        '--seed=7',
        '--set',
        'workerPgRetry=naive',
        '--set=relayAck=fire-and-forget',
        '--faults',
        'pg,link:kafka',
      ],
      {},
    );
    expect(a.budgetMs).toBe(30 * 60_000);
    expect(a.runs).toBeNull();
    expect(a.seed).toBe(7);
    expect(a.strategy).toEqual({ workerPgRetry: 'naive', relayAck: 'fire-and-forget' });
    expect(a.faults?.get('link')).toEqual(['kafka']);
  });
  it.each([
    [['--runs', '0'], '--runs expects a whole number from 1 to 10000, got "0"'],
    [['--runs', '3', '--budget', '1m'], '--runs and --budget: give one of them'],
    [['--budget', 'soon'], '--budget expects a duration like 90s, 30m or 2h, got "soon"'],
    [['--set', 'workerPgRetry'], '--set expects knob=value'],
    [['--set', 'retry=naive'], '--set: unknown knob "retry"'],
    [['--set', 'workerPgRetry=sometimes'], '--set workerPgRetry: expected one of inquire-first, naive'],
    [['--faults', 'link:mysql'], '--faults: link has no target "mysql"'],
    [['--colour'], 'unknown flag --colour'],
  ])('when given %j, then it names the problem', (argv, expected) => {
    expect(message(argv)).toContain(expected);
  });
  it('when npm took a flag for itself (no -- before it), then it says what to type', () => {
    expect(message([], { npm_config_runs: '3' })).toContain('type npm run explore -- --runs=3');
  });
  it('reads durations in seconds, minutes and hours', () => {
    expect(parseDuration('--budget', '90s')).toBe(90_000);
    expect(parseDuration('--budget', '2h')).toBe(7_200_000);
    expect(parseDuration('--budget', '45')).toBe(45_000);
  });
});
