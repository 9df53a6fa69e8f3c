/** Types of paylab-commands.mjs (plain JavaScript: it runs before tsx is registered). */
export interface Command {
  entry: string;
  pass: string[];
  npm: string;
  summary: string;
}
export declare const REPO_ROOT: string;
export declare const COMMANDS: Record<string, Command>;
export declare const USAGE: string;
export declare function closestCommand(name: string): string | undefined;
export type Action =
  | { kind: 'print'; stream: 'stdout' | 'stderr'; text: string; code: number }
  | { kind: 'run'; entry: string; argv: string[] };
export declare function dispatch(argv: readonly string[], exists?: (file: string) => boolean): Action;
