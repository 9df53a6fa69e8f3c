/**
 * The one parser of Linux /proc/<pid>/stat lines: the native runtime reads process identity from
 * it (native/proc-info.ts), the CPU accounting of the bench and of the capacity scenario reads CPU
 * times (chaos/collect/proc-cpu.ts). Pure; no file access.
 */

/** Splits /proc/<pid>/stat into the pid and the fields after the command name (`rest[0]` is
 *  field 3, the state). The command (field 2) may hold spaces and parentheses: split after the last ')'. */
export function splitProcStat(content: string): { pid: number; rest: string[] } | undefined {
  const open = content.indexOf('(');
  const close = content.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(content.slice(0, open).trim());
  const rest = content
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  return { pid, rest };
}
