/** report.html: one self-contained page — the verdict table, the charts with fault windows shaded, the tables of report.md. */
import { Marked } from 'marked';
import { lineChart } from './svg-chart.ts';
import type { RunReport } from './model.ts';

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The verdict words report.md writes, coloured in the page. */
function cellClass(text: string): string {
  const t = text.trim();
  if (/^(FAIL|VIOLATED|\*\*did not recover\*\*)/.test(t)) return 'bad';
  if (t === 'PASS' || t === 'holds') return 'good';
  return '';
}

/**
 * report.md as HTML, by marked (CommonMark + GitHub tables). Its text comes from scenario files,
 * fault labels and checker details, so nothing in it may become markup: raw HTML is shown as
 * text, links keep only their text (the page is self-contained and a javascript: URL must not
 * survive), images only their alt text, and the Markdown's h1 is dropped (the page has its own).
 */
const reportMarkdown = new Marked({
  gfm: true,
  renderer: {
    html: ({ text }) => esc(text),
    link({ tokens }) {
      return this.parser.parseInline(tokens);
    },
    image: ({ text }) => esc(text),
    heading({ tokens, depth }) {
      return depth === 1 ? '' : `<h${depth}>${this.parser.parseInline(tokens)}</h${depth}>\n`;
    },
    tablecell(token) {
      const tag = token.header ? 'th' : 'td';
      const cls = token.header ? '' : ` class="${cellClass(token.text)}"`;
      return `<${tag}${cls}>${this.parser.parseInline(token.tokens)}</${tag}>`;
    },
  },
});

function markdownToHtml(md: string): string {
  return reportMarkdown.parse(md, { async: false });
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
ul{margin:4px 0 12px;padding-left:20px}code{background:#f3f3f3;padding:0 3px}
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
