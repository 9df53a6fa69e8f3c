/**
 * The live view for a stdout that is not a terminal (CI logs, pipes): the same reducer, printed
 * as plain lines — every log entry as it happens and a progress line every few seconds.
 */
import {
  formatClock,
  formatCount,
  formatInUnit,
  formatRate,
  formatSeconds,
  formatTimeOfDay,
} from './format.ts';
import type { LiveEvent, LiveView, LiveViewOptions } from './live-events.ts';
import { totalUnderReplicated } from './brokers.ts';
import {
  labStarting,
  counterSinceStart,
  otherSliRows,
  initialViewState,
  viewReducer,
  type ViewAction,
  type ViewState,
} from './state.ts';
import { defaultSampler, SAMPLE_INTERVAL_MS, type Sampler } from './use-lab-samples.ts';

export const PLAIN_PROGRESS_EVERY_MS = 5000;

/** Cluster mode only: each broker's leaderships (or down), then what is under-replicated or offline. */
function brokersPart(state: ViewState): string {
  const kafka = state.kafka;
  if (!kafka || kafka.brokers.length < 2) return '';
  const brokers = kafka.brokers
    .map((b) =>
      b.up
        ? `${b.broker}:${formatCount(b.leaders)} led${b.activeController ? ' (controller)' : ''}`
        : `${b.broker}:down`,
    )
    .join(' ');
  return ` | brokers ${brokers}, under-replicated ${formatCount(totalUnderReplicated(kafka))}, offline ${formatCount(kafka.offlinePartitions)}`;
}

export function progressLine(state: ViewState): string {
  const l = state.latest;
  const elapsed = formatClock((state.now - state.startedAt) / 1000);
  const load = state.load
    ? ` load ${formatClock(state.load.elapsedSeconds)}/${formatClock(state.load.totalSeconds)} target ${formatRate(state.load.targetRate)} achieved ${formatRate(state.load.achievedRate)} vus ${state.load.vus}/${state.load.vusAllocated} dropped ${state.load.droppedIterations} |`
    : '';
  const faults = state.activeFaults.length
    ? ` | faults: ${state.activeFaults.map((f) => f.label).join(', ')}`
    : '';
  const error = state.prometheusError !== undefined ? ` | prometheus: ${state.prometheusError}` : '';
  const others = otherSliRows(state)
    .map((r) => ` ${r.label} ${formatInUnit(r.unit, r.value)}`)
    .join('');
  return (
    `[${elapsed}]${load} accepted ${formatRate(l.accepted_rate)} completed ${formatRate(l.completed_rate)}` +
    ` failed ${formatRate(l.failed_rate)} p95 ${formatSeconds(l.accept_p95_latency)}` +
    ` outbox ${formatCount(l.outbox_pending)} rows/${formatSeconds(l.outbox_lag)} consumer lag ${formatCount(l.consumer_lag)}` +
    `${others} double charges ${formatCount(counterSinceStart(state, 'double_captures'))}${faults}${brokersPart(state)}${error}`
  );
}

export interface PlainViewOptions extends LiveViewOptions {
  write?: (line: string) => void;
  sampler?: Sampler;
  sampleIntervalMs?: number;
  progressEveryMs?: number;
  now?: () => number;
}

export function startPlainView(options: PlainViewOptions): LiveView {
  const write = options.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const now = options.now ?? Date.now;
  const sampler = options.sampler ?? defaultSampler;
  const controller = new AbortController();
  let state = initialViewState({
    title: options.title,
    startedAt: now(),
    ...(options.totalSeconds !== undefined ? { totalSeconds: options.totalSeconds } : {}),
  });
  let printedLog = 0;
  let lastProgressAt = 0;

  const apply = (action: ViewAction) => {
    state = viewReducer(state, action);
    for (const entry of state.log.slice(printedLog)) write(`${formatTimeOfDay(entry.at)} ${entry.text}`);
    printedLog = state.log.length;
  };

  let inFlight: Promise<void> | undefined;
  const poll = () => {
    if (inFlight) return;
    inFlight = sampler(options.prometheusUrl, controller.signal)
      .then(
        (sample) => apply({ type: 'sample', sample }),
        (error: unknown) =>
          apply({ type: 'sample', sample: { at: now(), values: {}, error: String(error) } }),
      )
      .then(() => {
        if (
          !labStarting(state) &&
          state.now - lastProgressAt >= (options.progressEveryMs ?? PLAIN_PROGRESS_EVERY_MS)
        ) {
          lastProgressAt = state.now;
          write(progressLine(state));
        }
      })
      .finally(() => {
        inFlight = undefined;
      });
  };

  write(
    `paylab · ${options.title} — live progress from ${options.prometheusUrl} (plain output: stdout is not a terminal)`,
  );
  poll();
  const timer = setInterval(poll, options.sampleIntervalMs ?? SAMPLE_INTERVAL_MS);
  let stopped = false;

  return {
    push(event: LiveEvent) {
      if (stopped) return;
      apply({ ...event, at: event.at ?? now() } as ViewAction);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await inFlight;
      controller.abort();
      write(progressLine(state));
    },
  };
}
