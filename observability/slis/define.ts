/**
 * What an SLI is, in one shape. Each SLI is one file in this folder that fills this shape; the
 * list in index.ts is every SLI the lab measures. The live view, the recovery maths, the report
 * charts, the Grafana dashboards and the Prometheus rules all read these definitions, so nothing
 * about an SLI is restated anywhere else.
 */

/** Rate window of every SLI query: short, because scrapes run every second and recovery is measured in seconds. */
export const SLI_WINDOW = '10s';
export const SLI_WINDOW_SECONDS = 10;

/** The create-payment route, as the API labels it. */
export const CREATE_PAYMENT = `route="/payments",method="POST"`;

export type SliUnit = 'ratio' | 'seconds' | 'messages' | 'per_second';

/**
 * What "recovered" means for the SLI once the load has stopped (LAB.md: recovery time):
 * - 'judged': the SLI still says something without load (a lag): judged to the drain deadline;
 * - 'request-path': there are no requests after the load ends, so nothing more can be seen; a
 *   streak of in-band samples already running then counts as kept, but an SLI still outside its
 *   band when the load ended cannot be shown to have recovered (unknown, never a pass);
 * - 'zero-once-settled': the SLI falls to zero once every payment is terminal; from then on there
 *   is no work left, which is what recovered means for it. Before that it is judged.
 */
export type AfterLoad = 'judged' | 'request-path' | 'zero-once-settled';

/**
 * Floors widen the steady-state band (mean ± 3·stddev of the warm-up) because a calm warm-up has
 * a stddev near zero, and "one request took 3 ms longer" must not count as not recovered.
 */
export interface Floor {
  /** The band reaches at least this far beyond the warm-up mean, in the SLI's unit. */
  absolute: number;
  /** …and at least this share of the mean (bad='high': above it; bad='low': below it). */
  relative: number;
}

/** A query shown next to an SLI (live view, charts) that is not judged: e.g. p99 beside the p95. */
export interface RelatedQuery<Id extends string = string> {
  id: Id;
  title: string;
  unit: SliUnit | 'rows';
  /** Instant-vector PromQL that yields at most one series. */
  promql: string;
}

export interface ChartSeries {
  name: string;
  color: string;
  promql: string;
}

/** One chart of report.html (time series with fault windows shaded). */
export interface ChartQuery {
  id: string;
  title: string;
  /** Shown on the y axis. */
  unit: string;
  series: ChartSeries[];
}

/** A Prometheus alert on the SLI's recorded series: above `above` for `for`. */
export interface SliAlert {
  name: string;
  above: number;
  for: string;
  severity: 'warning' | 'critical';
  summary: string;
  /** Prometheus alert template text ({{ $value }} …). */
  description: string;
}

export interface SliDefinition<Id extends string = string, RelatedId extends string = string> {
  id: Id;
  title: string;
  /** Why a user watches it; Grafana shows it as the panel's description. */
  description: string;
  unit: SliUnit;
  /** Which side of the steady-state band is bad: a lag only hurts when it grows. */
  bad: 'high' | 'low';
  /** Instant-vector PromQL that yields a single series (vector(0) where no series means zero). */
  promql: string;
  /** Name of the recording rule that records it (dashboards/prometheus/rules.ts). */
  record: string;
  floor: Floor;
  afterLoad: AfterLoad;
  /** The live view's row label (≤ 12 characters, the label column is 13 wide). */
  liveLabel: string;
  /** report.html's charts for this SLI; the first one draws the SLI itself (a test holds it to that). */
  charts: readonly ChartQuery[];
  related: readonly RelatedQuery<RelatedId>[];
  alert?: SliAlert;
}

/** Keeps the literal ids, so the list's ids and related ids become union types. */
export function defineSli<const Id extends string, const RelatedId extends string = never>(
  definition: SliDefinition<Id, RelatedId>,
): SliDefinition<Id, RelatedId> {
  return definition;
}
