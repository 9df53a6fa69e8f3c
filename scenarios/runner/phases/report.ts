/**
 * report: the run folder's result.json (the report as data), report.md and report.html, and the
 * reports/latest link to this folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { renderHtml } from '../../../chaos/report/html.ts';
import { renderMarkdown } from '../../../chaos/report/markdown.ts';
import type { RunReport } from '../../../chaos/report/model.ts';
import type { RunContext } from '../context.ts';

export function writeReport(ctx: RunContext, report: RunReport): void {
  ctx.phase('report');
  const markdown = renderMarkdown(report);
  fs.writeFileSync(path.join(ctx.runDir, 'result.json'), `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(path.join(ctx.runDir, 'report.md'), markdown);
  fs.writeFileSync(path.join(ctx.runDir, 'report.html'), renderHtml(report, markdown));
  const latest = path.join(ctx.config.paths.reportsDir, 'latest');
  fs.rmSync(latest, { force: true });
  fs.symlinkSync(path.basename(ctx.runDir), latest);
}
