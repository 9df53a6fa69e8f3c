/** report.html: one self-contained page — the verdict table, the charts with fault windows shaded, the tables of report.md. */
import { lineChart } from './svg-chart.ts';
import type { RunReport } from './model.ts';

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Renders the Markdown tables and headings of report.md as HTML, without a Markdown library. */
function markdownToHtml(md: string): string {
  const lines = md.split('\n');
  const html: string[] = [];
  let table: string[][] | null = null;
  const flush = () => {
    if (!table) return;
    const [head, , ...rows] = table;
    html.push(
      '<table><thead><tr>' +
        (head ?? []).map((c) => `<th>${inline(c)}</th>`).join('') +
        '</tr></thead><tbody>',
    );
    for (const row of rows)
      html.push(
        '<tr>' +
          row
            .map(
              (c) =>
                `<td class="${/^(FAIL|VIOLATED|\*\*did not recover\*\*)/.test(c.trim()) ? 'bad' : c.trim() === 'PASS' || c.trim() === 'holds' ? 'good' : ''}">${inline(c)}</td>`,
            )
            .join('') +
          '</tr>',
      );
    html.push('</tbody></table>');
    table = null;
  };
  for (const line of lines) {
    if (line.startsWith('|')) {
      table ??= [];
      table.push(
        line
          .slice(1, -1)
          .split(' | ')
          .map((c) => c.replace(/^\|?\s*|\s*\|?$/g, '')),
      );
      continue;
    }
    flush();
    if (line.startsWith('### ')) html.push(`<h3>${inline(line.slice(4))}</h3>`);
    else if (line.startsWith('## ')) html.push(`<h2>${inline(line.slice(3))}</h2>`);
    else if (line.startsWith('# ')) continue;
    else if (line.startsWith('- ')) html.push(`<p class="li">• ${inline(line.slice(2))}</p>`);
    else if (line.trim() !== '') html.push(`<p>${inline(line)}</p>`);
  }
  flush();
  return html.join('\n');
}

function inline(text: string): string {
  return esc(text)
    .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
    .replace(/`(.+?)`/g, '<code>$1</code>');
}

export function renderHtml(r: RunReport, markdown: string): string {
  const start = r.loadStart ?? r.startedAt;
  const end = Math.max(
    start + 1000,
    r.drainDeadline === null ? r.finishedAt : Math.min(r.finishedAt, r.drainDeadline),
  );
  const windows = r.windows.map((w) => ({ start: w.start, end: w.end ?? end, label: `${w.id}: ${w.label}` }));
  const marks = r.loadEnd === null ? [] : [{ t: r.loadEnd, label: 'load ends' }];
  const charts = r.charts
    .map((c) => lineChart({ title: c.title, unit: c.unit, series: c.series, windows, start, end, marks }))
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.scenario.name)} — ${r.passed ? 'passed' : 'failed'}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
h1 .pass{color:#2a7d2a}h1 .fail{color:#b3261e}
table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.bad{color:#b3261e;font-weight:600}td.good{color:#2a7d2a}
.charts svg{display:block;margin:8px 0 16px;max-width:100%;height:auto}
p.li{margin:2px 0}code{background:#f3f3f3;padding:0 3px}
.legend{font-size:12px;color:#555}
</style></head><body>
<h1>${esc(r.scenario.name)} — <span class="${r.passed ? 'pass' : 'fail'}">${r.passed ? 'PASSED' : 'FAILED'}</span></h1>
<p>${esc(r.scenario.description)}</p>
<div class="charts">
<p class="legend">Shaded: fault windows as recorded on the timeline. Dashed line: end of the load. Time in seconds from the load's start.</p>
${charts || '<p>No chart data (Prometheus was not reachable).</p>'}
</div>
${markdownToHtml(markdown)}
</body></html>
`;
}
