/**
 * PromQL read with the Prometheus project's own grammar (@prometheus-io/lezer-promql, the parser
 * behind Prometheus' web UI), so the dashboard lint and the rules tests see what Prometheus sees:
 * a "1h" after `offset` is a duration, a "[id]" inside a label value is text, and
 * `{__name__="x"}` selects the metric x. Regular expressions got each of these wrong.
 */
import { parser } from '@prometheus-io/lezer-promql';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

export interface PromqlReading {
  /** null when the expression parses; otherwise where it breaks. */
  error: string | null;
  /** Metric names the expression selects, in order of appearance, each once. */
  metrics: string[];
  /** Each selection of a metric with the aggregation nearest around it ("sum", "max"…; null: none). */
  selections: { metric: string; aggregation: string | null }[];
  /** Label names it mentions (matchers, by/without, on/ignoring), each once. */
  labels: string[];
  /** Every range and subquery window as written, Grafana variables included (e.g. "$__rate_interval"). */
  ranges: string[];
  /** The labels every result series carries when the expression pins them (an outer `by`); null: not pinned. */
  resultLabels: string[] | null;
}

/**
 * Grafana's interval variables are not PromQL: each is swapped for a duration nobody writes by hand
 * before parsing, and swapped back in the ranges reported (grafana/dashboard-linter does the same).
 */
const GRAFANA_DURATIONS: readonly (readonly [variable: string, stand_in: string])[] = [
  ['$__rate_interval', '86399001ms'],
  ['${__rate_interval}', '86399001ms'],
  ['$__interval', '86399002ms'],
  ['${__interval}', '86399002ms'],
  ['$__range', '86399003ms'],
  ['${__range}', '86399003ms'],
];

function withStandIns(expr: string): string {
  let out = expr;
  // Longest first, so "$__rate_interval" is not read as "$__range" + "…" or similar.
  for (const [variable, standIn] of [...GRAFANA_DURATIONS].sort((a, b) => b[0].length - a[0].length))
    out = out.split(variable).join(standIn);
  return out;
}

function withVariables(text: string): string {
  const found = GRAFANA_DURATIONS.find(([, standIn]) => standIn === text);
  return found ? found[0] : text;
}

/** A PromQL string literal's value: "…" and '…' take Go escapes, `…` none. */
function unquote(literal: string): string {
  const quote = literal[0];
  const body = literal.slice(1, -1);
  if (quote === '`') return body;
  if (quote === "'") return body.replace(/\\'/g, "'").replace(/\\\\/g, '\\');
  try {
    return JSON.parse(literal) as string;
  } catch {
    return body;
  }
}

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

function child(node: SyntaxNode, name: string): SyntaxNode | undefined {
  return children(node).find((c) => c.name === name);
}

const LITERALS = new Set(['NumberDurationLiteral', 'StringLiteral']);
/** Aggregations whose result keeps each input series' labels, whatever the grouping says. */
const SELECTING_AGGREGATIONS = new Set(['Topk', 'Bottomk', 'LimitK', 'LimitRatio']);

/** The operator of the nearest aggregation enclosing a node, lower-case as written; null when none. */
function enclosingAggregation(node: SyntaxNode, text: (n: SyntaxNode) => string): string | null {
  for (let p = node.parent; p; p = p.parent) {
    if (p.name === 'AggregateExpr') {
      const op = child(p, 'AggregateOp');
      return op ? text(op).toLowerCase() : null;
    }
  }
  return null;
}

function union(a: string[] | null, b: string[] | null): string[] | null {
  return a === null || b === null ? null : [...new Set([...a, ...b])];
}

/**
 * The labels a (sub)expression's series carry, when the expression alone decides them; null when
 * they are whatever the selected series happen to have.
 */
function resultLabels(node: SyntaxNode, text: (n: SyntaxNode) => string): string[] | null {
  switch (node.name) {
    case 'PromQL':
    case 'ParenExpr':
    case 'UnaryExpr':
    case 'StepInvariantExpr': {
      const inner = children(node).find((c) => c.name !== 'UnaryOp' && c.name !== 'At');
      return inner ? resultLabels(inner, text) : null;
    }
    case 'NumberDurationLiteral':
    case 'StringLiteral':
      return [];
    case 'AggregateExpr': {
      const op = child(node, 'AggregateOp')?.firstChild?.name ?? '';
      if (SELECTING_AGGREGATIONS.has(op)) return null;
      const modifier = child(node, 'AggregateModifier');
      if (!modifier) return [];
      if (child(modifier, 'Without')) return null;
      const grouping = child(modifier, 'GroupingLabels');
      return grouping ? children(grouping).map(text) : [];
    }
    case 'FunctionCall': {
      const fn = child(node, 'FunctionIdentifier')?.firstChild?.name ?? '';
      const args = children(child(node, 'FunctionCallBody') ?? node).filter((c) => c.name !== '⚠');
      const vectors = args.filter((a) => !LITERALS.has(a.name));
      if (fn === 'Vector' || fn === 'Time' || fn === 'Scalar' || fn === 'Pi') return [];
      const first = vectors[0];
      if (!first) return [];
      const inner = resultLabels(first, text);
      if (fn === 'HistogramQuantile') return inner === null ? null : inner.filter((l) => l !== 'le');
      if (fn === 'LabelReplace' || fn === 'LabelJoin') {
        const destination = args.find((a) => a.name === 'StringLiteral');
        return union(inner, destination ? [unquote(text(destination))] : []);
      }
      return vectors.length === 1 ? inner : null;
    }
    case 'BinaryExpr': {
      const operands = children(node).filter(
        (c) => c.name !== 'BoolModifier' && c.name !== 'MatchingModifierClause' && c.firstChild !== null,
      );
      const [left, right] = [operands[0], operands.at(-1)];
      if (!left || !right || left === right) return null;
      if (child(node, 'Or')) return union(resultLabels(left, text), resultLabels(right, text));
      // Arithmetic and comparisons keep the vector side's labels (the left one between two vectors).
      if (LITERALS.has(left.name)) return resultLabels(right, text);
      return resultLabels(left, text);
    }
    default:
      // Selectors, ranges, subqueries, offsets: the series' own labels.
      return null;
  }
}

export function readPromql(expr: string): PromqlReading {
  const source = withStandIns(expr);
  const tree = parser.parse(source);
  const text = (n: SyntaxNode) => source.slice(n.from, n.to);
  const metrics = new Set<string>();
  const selections: PromqlReading['selections'] = [];
  const select = (metric: string, at: SyntaxNode) => {
    metrics.add(metric);
    selections.push({ metric, aggregation: enclosingAggregation(at, text) });
  };
  const labels = new Set<string>();
  const ranges: string[] = [];
  let error: string | null = null;

  const cursor = tree.cursor();
  do {
    const node = cursor.node;
    if (node.type.isError) {
      error ??= `does not parse at character ${node.from + 1}: …${source.slice(Math.max(0, node.from - 20), node.from)}⟨here⟩${source.slice(node.from, node.from + 20)}`;
      continue;
    }
    switch (node.name) {
      case 'VectorSelector': {
        const name = child(node, 'Identifier');
        if (name) select(text(name), node);
        break;
      }
      case 'LabelMatchers':
        for (const c of children(node)) {
          // {"metric.name", …}: a quoted name standing alone is the metric (Prometheus 3 syntax).
          if (c.name === 'QuotedLabelName') {
            const literal = child(c, 'StringLiteral');
            if (literal) select(unquote(text(literal)), node);
          }
        }
        break;
      case 'UnquotedLabelMatcher':
      case 'QuotedLabelMatcher': {
        const labelNode = child(node, 'LabelName') ?? child(node, 'QuotedLabelName');
        const label =
          labelNode?.name === 'QuotedLabelName'
            ? unquote(text(child(labelNode, 'StringLiteral') ?? labelNode))
            : labelNode
              ? text(labelNode)
              : '';
        const value = children(node).find((c) => c.name === 'StringLiteral');
        const exact = child(node, 'MatchOp')?.firstChild?.name === 'EqlSingle';
        if (label === '__name__' && exact && value) select(unquote(text(value)), node);
        else if (label) labels.add(label);
        break;
      }
      case 'GroupingLabels':
        for (const c of children(node)) labels.add(c.name === 'LabelName' ? text(c) : unquote(text(c)));
        break;
      case 'MatrixSelector':
      case 'SubqueryExpr': {
        const range = child(node, 'DurationExpr');
        if (range) ranges.push(withVariables(text(range)));
        break;
      }
    }
  } while (cursor.next());

  return {
    error,
    metrics: [...metrics],
    selections,
    labels: [...labels],
    ranges,
    resultLabels: error === null ? resultLabels(tree.topNode, text) : null,
  };
}
