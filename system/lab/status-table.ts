/** The human `status` table. */
import type { ServiceStatus } from './runtime.ts';

export function formatStatusTable(statuses: readonly ServiceStatus[]): string {
  const rows = statuses.map((s) => [
    s.service === 'relay' || s.service === 'worker' || (s.service === 'kafka' && s.instance > 0)
      ? `${s.service}-${s.instance}`
      : s.service,
    s.state,
    s.pid === undefined ? '-' : String(s.pid),
    s.address ?? '-',
    s.detail ?? '',
  ]);
  const header = ['SERVICE', 'STATE', 'PID', 'ADDRESS', 'DETAIL'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
