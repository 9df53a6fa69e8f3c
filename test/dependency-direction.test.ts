/**
 * Dependencies point one way: scenarios → dashboards → chaos → system. Every .ts/.tsx file's import
 * specifiers (static imports, re-exports, type-only imports, dynamic import()) are read with
 * TypeScript's own pre-processor — no module is loaded — and each relative import that crosses
 * from one area into another must be allowed by ALLOWED below.
 *
 * The rule is data: when a module moves (the SLI module, the scenario's shape), change a row of
 * AREAS or ALLOWED, not the walker.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

type Area = 'system' | 'observability' | 'chaos' | 'dashboards' | 'scenarios' | 'bench' | 'test';

/** Where a file belongs: the longest matching prefix of its repository path wins. */
const AREAS: readonly { prefix: string; area: Area }[] = [
  { prefix: 'system/', area: 'system' },
  { prefix: 'bin/', area: 'system' },
  { prefix: 'observability/', area: 'observability' },
  { prefix: 'chaos/', area: 'chaos' },
  { prefix: 'dashboards/', area: 'dashboards' },
  { prefix: 'scenarios/', area: 'scenarios' },
  { prefix: 'bench/', area: 'bench' },
  { prefix: 'test/', area: 'test' },
];

/** Which other areas an area may import. Same-area imports are always allowed.
 *  system is the stack and its lab runtime: it imports no lab tooling. observability (the SLIs, the
 *  Prometheus client) is what chaos and dashboards both measure by. chaos (faults, collectors,
 *  checker, recovery maths, report) reaches the stack through system's config, contracts and the
 *  LabRuntime interface. dashboards (live view, Grafana, Prometheus rules) show what chaos computes.
 *  scenarios (scenario files, k6 script, runner) wire everything. */
const ALLOWED: Record<Area, readonly Area[]> = {
  system: [],
  observability: ['system'],
  chaos: ['observability', 'system'],
  dashboards: ['chaos', 'observability', 'system'],
  scenarios: ['dashboards', 'chaos', 'observability', 'system'],
  // The bench measures the native lab's processes through /proc: it may reach the native runtime.
  bench: ['scenarios', 'dashboards', 'chaos', 'observability', 'system'],
  test: [],
};

/** Inside an allowed direction, some folders are entered through one door only: the lab tooling
 *  reaches the lab runtime through its interface and its factory, never a runtime class. */
const DOORS: readonly { folder: string; from: readonly Area[]; only: readonly string[] }[] = [
  {
    folder: 'system/lab/',
    from: ['chaos', 'dashboards', 'scenarios'],
    // runtime-for.ts: which runtime a command drives when not told (--runtime, env, what `up` recorded).
    // proc-stat.ts: the /proc/<pid>/stat parser, which chaos's CPU accounting shares with the runtime.
    only: [
      'system/lab/runtime.ts',
      'system/lab/create-runtime.ts',
      'system/lab/runtime-for.ts',
      'system/lab/proc-stat.ts',
    ],
  },
];

/**
 * Known upward imports that another engineer's change removes: `from → to`, with who and why.
 * The test fails when one of these is gone (delete the row) — the list only shrinks.
 */
const KNOWN_DEBT: readonly { from: string; to: string; why: string }[] = [
  {
    from: 'system/lab/docker/compose-spec.test.ts',
    to: 'scenarios/k6/lib/load-options.ts',
    why: "the compose k6 service's load is checked with the k6 script's own parser; that parser belongs below both",
  },
  {
    from: 'dashboards/live-data.int.test.ts',
    to: 'scenarios/k6/lib/payment-requests.ts',
    why: 'a dashboards test sends payments with the k6 request builder; a test helper below both would do',
  },
];

function areaOf(file: string): Area | undefined {
  let best: { prefix: string; area: Area } | undefined;
  for (const a of AREAS)
    if (file.startsWith(a.prefix) && (!best || a.prefix.length > best.prefix.length)) best = a;
  return best?.area;
}

function sourceFiles(dir = ROOT): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', '.lab', 'reports', '.git'].includes(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|tsx|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

export interface ImportEdge {
  from: string;
  to: string;
}

/** Relative imports of one file's text, as repository paths. */
export function importsOf(file: string, text: string): ImportEdge[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles
    .map((i) => i.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => ({
      from: file,
      to: path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)),
    }));
}

export function forbidden(edges: readonly ImportEdge[]): ImportEdge[] {
  return edges.filter(({ from, to }) => {
    const a = areaOf(from);
    const b = areaOf(to);
    if (a === undefined || b === undefined || a === b) return false;
    if (!ALLOWED[a].includes(b)) return true;
    return DOORS.some((d) => to.startsWith(d.folder) && d.from.includes(a) && !d.only.includes(to));
  });
}

const key = (e: ImportEdge) => `${e.from} → ${e.to}`;

describe('dependency direction', () => {
  it('reads every kind of import specifier', () => {
    const text = [
      "import a from '../system/src/config.ts';",
      "import type { B } from '../chaos/b.ts';",
      "export { c } from './c.ts';",
      "export * from '../dashboards/d.ts';",
      "import {\n  e,\n  f,\n} from '../scenarios/e.ts';",
      "const g = await import('../scenarios/g.ts');",
      "import fs from 'node:fs';",
    ].join('\n');
    expect(importsOf('chaos/x.ts', text).map((e) => e.to)).toEqual([
      'system/src/config.ts',
      'chaos/b.ts',
      'chaos/c.ts',
      'dashboards/d.ts',
      'scenarios/e.ts',
      'scenarios/g.ts',
    ]);
  });

  it('allows the downward direction, refuses the upward one, and keeps the runtime behind its interface', () => {
    const edges: ImportEdge[] = [
      { from: 'scenarios/runner/run.ts', to: 'chaos/faults/engine.ts' },
      { from: 'dashboards/terminal/state.ts', to: 'chaos/recovery/recovery.ts' },
      { from: 'chaos/faults/engine.ts', to: 'system/lab/runtime.ts' },
      { from: 'chaos/faults/engine.ts', to: 'scenarios/lib/overrides.ts' },
      { from: 'chaos/recovery/recovery.ts', to: 'dashboards/sli.ts' },
      { from: 'system/src/config.ts', to: 'chaos/timeline.ts' },
      { from: 'dashboards/x.test.ts', to: 'scenarios/runner/analysis.ts' },
      { from: 'scenarios/runner/run.ts', to: 'system/lab/create-runtime.ts' },
      { from: 'scenarios/runner/run.ts', to: 'system/lab/native/runtime.ts' },
      { from: 'system/test/global-setup.ts', to: 'system/lab/native/runtime.ts' },
    ];
    expect(forbidden(edges).map(key)).toEqual([
      'chaos/faults/engine.ts → scenarios/lib/overrides.ts',
      'chaos/recovery/recovery.ts → dashboards/sli.ts',
      'system/src/config.ts → chaos/timeline.ts',
      'dashboards/x.test.ts → scenarios/runner/analysis.ts',
      'scenarios/runner/run.ts → system/lab/native/runtime.ts',
    ]);
  });

  it('no file imports against the direction scenarios → dashboards → chaos → system', () => {
    const edges = sourceFiles().flatMap((full) => {
      const file = path.relative(ROOT, full).split(path.sep).join('/');
      return importsOf(file, fs.readFileSync(full, 'utf8'));
    });
    // Exercised: the walk must have seen the runner's and the engine's imports, or it read nothing.
    expect(edges.length).toBeGreaterThan(200);
    expect(edges.some((e) => e.from === 'scenarios/runner/run.ts')).toBe(true);
    const bad = forbidden(edges).map(key);
    const debt = new Set(KNOWN_DEBT.map((d) => `${d.from} → ${d.to}`));
    expect(bad.filter((b) => !debt.has(b))).toEqual([]);
    expect(
      [...debt].filter((d) => !bad.includes(d)),
      'a known upward import is gone: delete its KNOWN_DEBT row',
    ).toEqual([]);
    // Reading ~500 files takes well under a second on an idle machine; a shared one is not idle.
  }, 60_000);
});
