/**
 * The few building blocks every paylab Grafana dashboard shares, on top of the foundation SDK's
 * builders: one Prometheus datasource, panels declared as data, ids and refIds assigned in one
 * place, and the fault-window annotations on every dashboard.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import {
  AnnotationQueryBuilder,
  DashboardBuilder,
  RowBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  DatasourceVariableBuilder,
  type Dashboard,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { METRICS } from '../../../system/src/metric-names.ts';
import { FAULT_ANNOTATION_TAGS } from '../annotations.ts';

/** The uid the provisioned datasource carries (provisioning/datasources/prometheus.yml). */
export const DATASOURCE_UID = 'paylab-prometheus';
/** The dashboard variable every panel queries through: defaults to the provisioned datasource, and
 *  a user who imports a dashboard into another Grafana picks their own Prometheus in one place. */
export const DATASOURCE_VARIABLE = 'datasource';
export const DATASOURCE: common.DataSourceRef = { type: 'prometheus', uid: `\${${DATASOURCE_VARIABLE}}` };
const GRAFANA_DATASOURCE: common.DataSourceRef = { type: 'grafana', uid: '-- Grafana --' };

export interface Query {
  expr: string;
  /** Grafana legend template, e.g. "{{route}} {{status}}". */
  legend?: string;
}

interface PanelCommon {
  title: string;
  /** What question the panel answers; shown as the panel's (i) tooltip. */
  description: string;
  unit: string;
  queries: Query[];
  width?: number;
  height?: number;
}

export interface TimeseriesSpec extends PanelCommon {
  kind: 'timeseries';
  stacked?: boolean;
  /** Draw as steps (gauges of on/off state such as active faults). */
  steps?: boolean;
}

export interface StatSpec extends PanelCommon {
  kind: 'stat';
  /** Values at or above this turn the panel red (invariants: 1 — any violation is bad). */
  redFrom?: number;
  /** Values below this turn the panel red, at or above green (a target's `up`: 0 is down). */
  redBelow?: number;
}

export type PanelSpec = TimeseriesSpec | StatSpec;

export interface RowSpec {
  title: string;
  panels: PanelSpec[];
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  rows: RowSpec[];
}

const DEFAULT_WIDTH = 12;
const DEFAULT_HEIGHT = 8;

/** `rate(m{selector}[$__rate_interval])`: the interval Grafana derives from the 1 s scrape. */
export function rate(metric: string, selector = ''): string {
  return `rate(${metric}${selector ? `{${selector}}` : ''}[$__rate_interval])`;
}

export function sumRate(metric: string, by: string[] = [], selector = ''): string {
  const grouping = by.length ? ` by (${by.join(', ')})` : '';
  return `sum${grouping} (${rate(metric, selector)})`;
}

/** p50/p95/p99 of a classic histogram, optionally per label. */
export function quantiles(histogram: string, by: string[] = [], selector = ''): Query[] {
  const keys = ['le', ...by].join(', ');
  const suffix = by.map((l) => ` {{${l}}}`).join('');
  return [0.5, 0.95, 0.99].map((q) => ({
    expr: `histogram_quantile(${q}, sum by (${keys}) (${rate(`${histogram}_bucket`, selector)}))`,
    legend: `p${Math.round(q * 100)}${suffix}`,
  }));
}

function refId(index: number): string {
  return String.fromCharCode('A'.charCodeAt(0) + index);
}

function targets(queries: Query[]): DataqueryBuilder[] {
  return queries.map((q, i) => {
    const target = new DataqueryBuilder().datasource(DATASOURCE).expr(q.expr).refId(refId(i)).range();
    return q.legend ? target.legendFormat(q.legend) : target;
  });
}

function timeseriesPanel(spec: TimeseriesSpec, id: number): TimeseriesPanelBuilder {
  const panel = new TimeseriesPanelBuilder()
    .id(id)
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .unit(spec.unit)
    .span(spec.width ?? DEFAULT_WIDTH)
    .height(spec.height ?? DEFAULT_HEIGHT)
    .targets(targets(spec.queries))
    .fillOpacity(spec.stacked ? 40 : 10)
    .lineWidth(1)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom)
        .calcs([]),
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder()
        .mode(common.TooltipDisplayMode.Multi)
        .sort(common.SortOrder.Descending),
    );
  if (spec.stacked) panel.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  if (spec.steps) panel.lineInterpolation(common.LineInterpolation.StepAfter);
  return panel;
}

function statPanel(spec: StatSpec, id: number): StatPanelBuilder {
  const steps =
    spec.redBelow !== undefined
      ? [
          { value: null, color: 'red' },
          { value: spec.redBelow, color: 'green' },
        ]
      : spec.redFrom === undefined
        ? [{ value: null, color: 'text' }]
        : [
            { value: null, color: 'green' },
            { value: spec.redFrom, color: 'red' },
          ];
  return new StatPanelBuilder()
    .id(id)
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .unit(spec.unit)
    .span(spec.width ?? 6)
    .height(spec.height ?? 4)
    .targets(targets(spec.queries))
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .colorMode(common.BigValueColorMode.Background)
    .graphMode(common.BigValueGraphMode.None)
    .thresholds(new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps));
}

/**
 * The "-- Grafana --" datasource's tag filter. The SDK types annotation targets as datasource
 * queries; this one only needs the four fields Grafana reads (its AnnotationTarget shape).
 */
function grafanaTagsQuery(tags: readonly string[]): cog.Builder<cog.Dataquery> {
  return {
    build: () => ({
      type: 'tags',
      tags: [...tags],
      // All tags must match: "paylab" alone would also pick up unrelated lab annotations.
      matchAny: false,
      limit: 500,
      _implementsDataqueryVariant() {},
    }),
  };
}

/**
 * Fault windows on every dashboard, from both records the chaos engine keeps: the active-faults
 * gauge (works without Grafana having been up during the run) and the annotations the runner
 * posts to Grafana when it is reachable.
 */
function faultAnnotations(): AnnotationQueryBuilder[] {
  return [
    new AnnotationQueryBuilder()
      .name('Annotations & Alerts')
      .builtIn(1)
      .datasource(GRAFANA_DATASOURCE)
      .type('dashboard')
      .enable(true)
      .hide(true)
      .iconColor('rgba(0, 211, 255, 1)'),
    new AnnotationQueryBuilder()
      .name('fault windows (gauge)')
      .datasource(DATASOURCE)
      .expr(`max by (target, kind) (${METRICS.faultActive}) > 0`)
      .titleFormat('fault: {{target}} {{kind}}')
      .tagKeys('target,kind')
      .step('1s')
      .enable(true)
      .iconColor('red'),
    new AnnotationQueryBuilder()
      .name('fault timeline (runner)')
      .datasource(GRAFANA_DATASOURCE)
      .target(grafanaTagsQuery(FAULT_ANNOTATION_TAGS))
      .enable(true)
      .iconColor('orange'),
  ];
}

export function buildDashboard(spec: DashboardSpec): Dashboard {
  const builder = new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags(['paylab', ...spec.tags])
    .editable()
    .tooltip(1) // shared crosshair: a fault's effect lines up across panels
    .time({ from: 'now-30m', to: 'now' })
    .refresh('5s')
    .timezone('browser')
    .annotations(faultAnnotations())
    .withVariable(
      new DatasourceVariableBuilder(DATASOURCE_VARIABLE)
        .label('Prometheus')
        .type('prometheus')
        .current({ text: 'Prometheus', value: DATASOURCE_UID }),
    );
  let id = 1;
  for (const row of spec.rows) {
    builder.withRow(new RowBuilder(row.title).id(id++));
    for (const panel of row.panels) {
      builder.withPanel(panel.kind === 'timeseries' ? timeseriesPanel(panel, id++) : statPanel(panel, id++));
    }
  }
  return builder.build();
}
