/**
 * A self-contained SVG line chart: time on x, one or more series, fault windows shaded. Pure
 * string building, no assets, so report.html opens anywhere without a network.
 */
import type { Sample } from '../recovery/recovery.ts';

export interface ChartSeries {
  name: string;
  color: string;
  samples: readonly Sample[];
}

export interface ShadedWindow {
  start: number;
  end: number;
  label: string;
}

export interface ChartSpec {
  title: string;
  unit: string;
  series: readonly ChartSeries[];
  windows: readonly ShadedWindow[];
  start: number;
  end: number;
  /** Marks (e.g. load end) drawn as dashed vertical lines. */
  marks?: readonly { t: number; label: string }[];
  width?: number;
  height?: number;
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Round y-axis ticks: a step of 1, 2 or 5 × 10^k, at most five steps up to the largest value. */
export function yTicks(max: number): { step: number; top: number; decimals: number } {
  const v = max > 0 && Number.isFinite(max) ? max : 1;
  const magnitude = 10 ** Math.floor(Math.log10(v / 5));
  const step =
    [1, 2, 5, 10].map((m) => m * magnitude).find((candidate) => Math.ceil(v / candidate - 1e-9) <= 5) ??
    10 * magnitude;
  const top = step * Math.max(1, Math.ceil(v / step - 1e-9));
  return { step, top, decimals: Math.max(0, -Math.floor(Math.log10(step) + 1e-9)) };
}

/** Line styles by series index: the first solid and wider, later ones dashed on top, so a series
 *  that equals another (accepted and settled in a calm run) stays visible under it. */
const STROKES = [
  { width: 2.6, dash: '' },
  { width: 1.6, dash: '6 3' },
  { width: 1.6, dash: '2 2' },
  { width: 1.6, dash: '8 3 2 3' },
];

export function lineChart(spec: ChartSpec): string {
  const width = spec.width ?? 760;
  const height = spec.height ?? 220;
  const pad = { left: 56, right: 12, top: 28, bottom: 30 };
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const span = Math.max(1, spec.end - spec.start);
  const values = spec.series
    .flatMap((s) => s.samples.filter((p) => p.t >= spec.start && p.t <= spec.end).map((p) => p.v))
    .filter((v): v is number => v !== null && Number.isFinite(v));
  const ticks = yTicks(values.length === 0 ? 1 : Math.max(...values));
  const yMax = ticks.top;
  const x = (t: number) => pad.left + ((t - spec.start) / span) * w;
  const y = (v: number) => pad.top + h - (Math.min(v, yMax) / yMax) * h;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(spec.title)}">`,
  );
  parts.push(
    `<text x="${pad.left}" y="16" font-size="13" font-weight="600">${esc(spec.title)} <tspan font-weight="400" fill="#666">(${esc(spec.unit)})</tspan></text>`,
  );
  for (const win of spec.windows) {
    const x1 = x(Math.max(win.start, spec.start));
    const x2 = x(Math.min(win.end, spec.end));
    parts.push(
      `<rect x="${x1.toFixed(1)}" y="${pad.top}" width="${Math.max(1, x2 - x1).toFixed(1)}" height="${h}" fill="#f4a261" fill-opacity="0.25"><title>${esc(win.label)}</title></rect>`,
    );
  }
  for (let i = 0; i * ticks.step <= yMax * (1 + 1e-9); i += 1) {
    const v = i * ticks.step;
    const yy = y(v).toFixed(1);
    parts.push(
      `<line x1="${pad.left}" x2="${pad.left + w}" y1="${yy}" y2="${yy}" stroke="#ddd" stroke-width="1"/>`,
    );
    parts.push(
      `<text x="${pad.left - 6}" y="${yy}" font-size="10" text-anchor="end" dominant-baseline="middle" fill="#555">${v === 0 ? '0' : v.toFixed(ticks.decimals)}</text>`,
    );
  }
  const seconds = span / 1000;
  const tickEvery = [5, 10, 15, 30, 60, 120, 300, 600].find((s) => seconds / s <= 10) ?? 1200;
  for (let s = 0; s <= seconds; s += tickEvery) {
    const xx = x(spec.start + s * 1000).toFixed(1);
    parts.push(
      `<text x="${xx}" y="${height - 10}" font-size="10" text-anchor="middle" fill="#555">${s}s</text>`,
    );
  }
  for (const m of spec.marks ?? []) {
    const xx = x(m.t).toFixed(1);
    parts.push(
      `<line x1="${xx}" x2="${xx}" y1="${pad.top}" y2="${pad.top + h}" stroke="#888" stroke-dasharray="4 3"><title>${esc(m.label)}</title></line>`,
    );
  }
  // Wide enough for the longest name (about 6 px a character at 10 px), so no label runs off the edge.
  const legendWidth = Math.max(90, 22 + 6 * Math.max(0, ...spec.series.map((s) => s.name.length)));
  spec.series.forEach((s, i) => {
    let d = '';
    let pen = false;
    for (const p of s.samples.filter((q) => q.t >= spec.start && q.t <= spec.end)) {
      if (p.v === null || !Number.isFinite(p.v)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`;
      pen = true;
    }
    const stroke = STROKES[i % STROKES.length] ?? { width: 1.6, dash: '' };
    const dash = stroke.dash === '' ? '' : ` stroke-dasharray="${stroke.dash}"`;
    if (d !== '')
      parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="${stroke.width}"${dash}/>`);
    const lx = pad.left + w - legendWidth;
    const ly = pad.top + 6 + i * 14;
    parts.push(
      `<line x1="${lx}" x2="${lx + 12}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="${stroke.width}"${dash}/><text x="${lx + 16}" y="${ly + 3}" font-size="10">${esc(s.name)}</text>`,
    );
  });
  parts.push(`<rect x="${pad.left}" y="${pad.top}" width="${w}" height="${h}" fill="none" stroke="#999"/>`);
  parts.push('</svg>');
  return parts.join('');
}
