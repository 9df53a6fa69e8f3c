/**
 * kafkajs against @platformatic/kafka (config.ts KAFKA_CLIENTS) in one bench run: the raw producer,
 * the raw consumer and the relay alone measured with each client, figure `<name>.<client>`, and
 * which wins and by how much — a ratio of two figures from the same run, like every target.
 */
import { KAFKA_CLIENTS, type KafkaClientName } from '../system/src/config.ts';
import type { Figures } from './targets.ts';

/** The figures measured once per client. The unsuffixed figure (what the targets read) is the stack's client. */
export const CLIENT_FIGURES = [
  {
    stage: 'raw producer (idempotent, acks=all, relay-sized batches)',
    figure: 'limit.producerMsgsPerSec',
    unit: 'msgs/s',
  },
  { stage: 'raw consumer (fresh group, no processing)', figure: 'limit.consumerMsgsPerSec', unit: 'msgs/s' },
  { stage: 'relay alone (rows marked sent, from the DB)', figure: 'relay.rowsPerSec', unit: 'rows/s' },
] as const;

export const clientFigure = (figure: string, client: KafkaClientName) => `${figure}.${client}`;

/** The challenger over the default: > 1 means @platformatic/kafka is faster. */
const [DEFAULT_CLIENT, CHALLENGER] = KAFKA_CLIENTS;

export interface ClientComparison {
  stage: string;
  figure: string;
  unit: string;
  /** Median of each client's figure, null when not measured. */
  byClient: Record<KafkaClientName, number | null>;
  /** challenger / default, null unless both were measured. */
  ratio: number | null;
  /** The faster client and by how much, in words; null unless both were measured. */
  verdict: string | null;
}

function medianOf(figures: Figures, name: string): number | null {
  const m = figures[name]?.median;
  return m !== undefined && Number.isFinite(m) && m > 0 ? m : null;
}

export function compareKafkaClients(figures: Figures): ClientComparison[] {
  return CLIENT_FIGURES.map(({ stage, figure, unit }) => {
    const byClient = Object.fromEntries(
      KAFKA_CLIENTS.map((c) => [c, medianOf(figures, clientFigure(figure, c))]),
    ) as Record<KafkaClientName, number | null>;
    const base = byClient[DEFAULT_CLIENT];
    const challenger = byClient[CHALLENGER];
    const ratio = base !== null && challenger !== null ? challenger / base : null;
    let verdict: string | null = null;
    if (ratio !== null) {
      const [winner, loser, factor] =
        ratio >= 1 ? [CHALLENGER, DEFAULT_CLIENT, ratio] : [DEFAULT_CLIENT, CHALLENGER, 1 / ratio];
      verdict = `${winner} ${factor.toFixed(2)}× ${loser} (+${((factor - 1) * 100).toFixed(0)} %)`;
    }
    return { stage, figure, unit, byClient, ratio, verdict };
  });
}

/** The ratios, as bench.json's `ratios` list carries them (no target: a comparison, not a goal). */
export const KAFKA_CLIENT_RATIOS = CLIENT_FIGURES.map(({ stage, figure }) => ({
  name: `${CHALLENGER}-vs-${DEFAULT_CLIENT}.${figure}`,
  description: `${stage}: ${CHALLENGER} / ${DEFAULT_CLIENT}, same run (> 1: ${CHALLENGER} is faster)`,
  unit: 'ratio' as const,
  value: (f: Figures) => compareKafkaClients(f).find((c) => c.figure === figure)?.ratio ?? undefined,
}));

export function renderClientComparison(rows: readonly ClientComparison[]): string[] {
  if (rows.every((r) => r.ratio === null)) return [];
  const fmt = (v: number | null) => (v === null ? '—' : v.toFixed(0));
  return [
    '## Kafka clients (same run)',
    '',
    `The stack runs ${DEFAULT_CLIENT} unless \`PAYLAB_KAFKA_CLIENT=${CHALLENGER}\`; the targets read the stack's client. ` +
      'Medians over the repetitions; the clients alternate which goes first in each repetition.',
    '',
    `| stage | ${KAFKA_CLIENTS.join(' | ')} | ${CHALLENGER} / ${DEFAULT_CLIENT} | faster |`,
    `| --- | ${KAFKA_CLIENTS.map(() => '---').join(' | ')} | --- | --- |`,
    ...rows.map(
      (r) =>
        `| ${r.stage} (${r.unit}) | ${KAFKA_CLIENTS.map((c) => fmt(r.byClient[c])).join(' | ')} | ${r.ratio === null ? '—' : r.ratio.toFixed(2)} | ${r.verdict ?? 'not measured'} |`,
    ),
    '',
  ];
}

/**
 * The clients a repetition measures, in the order it measures them: the stack's own client always,
 * the others when asked; the order alternates between repetitions so that neither client always
 * runs on a machine the other has just warmed (or loaded).
 */
export function clientsInOrder(
  stackClient: KafkaClientName,
  asked: readonly KafkaClientName[],
  repetition: number,
): KafkaClientName[] {
  const all = [stackClient, ...asked.filter((c) => c !== stackClient)];
  return repetition % 2 === 0 ? all : [...all].reverse();
}
