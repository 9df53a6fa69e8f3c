/**
 * Display-only panels: each takes view state (or a slice of it) and a width, and renders.
 * No hooks, no I/O — the stateful shell lives in live-app.tsx.
 */
import { Box, Static, Text } from 'ink';
import { SLIS, sli, type SliDefinition } from '../../observability/slis/index.ts';
import {
  formatClock,
  formatCount,
  formatInUnit,
  formatRate,
  formatRatio,
  formatSeconds,
  formatTimer,
  formatTimeOfDay,
  NO_DATA,
  progressBar,
  sparkline,
} from './format.ts';
import { totalUnderReplicated, type BrokerState } from './brokers.ts';
import {
  labStarting,
  otherSliRows,
  counterSinceStart,
  recoveryTimerSeconds,
  type LogEntry,
  type LogTone,
  type SeriesId,
  type ViewState,
} from './state.ts';

const LABEL_WIDTH = 13;
const VALUE_WIDTH = 11;
/** Below this width sparklines are dropped so the numbers still fit. */
const MIN_SPARK_TERMINAL = 50;

function Label({ children }: { children: string }) {
  return (
    <Box width={LABEL_WIDTH} flexShrink={0}>
      <Text color="cyan">{children}</Text>
    </Box>
  );
}

function sparkWidth(width: number): number {
  return width < MIN_SPARK_TERMINAL ? 0 : Math.max(0, width - LABEL_WIDTH - VALUE_WIDTH - 1);
}

interface SeriesRowProps {
  label: string;
  value: string;
  points: readonly (number | undefined)[];
  width: number;
  color?: string;
}

export function SeriesRow({ label, value, points, width, color }: SeriesRowProps) {
  const spark = sparkline(points, sparkWidth(width));
  return (
    <Box width={width}>
      <Label>{label}</Label>
      <Box width={VALUE_WIDTH} flexShrink={0}>
        <Text {...(color ? { color } : {})}>{value}</Text>
      </Box>
      {spark ? (
        <Text color="gray" wrap="truncate-end">
          {spark}
        </Text>
      ) : null}
    </Box>
  );
}

export function Header({ state, width }: { state: ViewState; width: number }) {
  const elapsed = (state.now - state.startedAt) / 1000;
  const phase = state.phase ? ` · ${state.phase}` : '';
  return (
    <Box width={width} justifyContent="space-between">
      <Text bold wrap="truncate-end">
        paylab · {state.title}
      </Text>
      <Text color="gray">
        {formatClock(elapsed)}
        {phase}
      </Text>
    </Box>
  );
}

export function LoadPanel({ state, width }: { state: ViewState; width: number }) {
  const load = state.load;
  const total = load?.totalSeconds ?? state.totalSeconds;
  if (!load && total === undefined) return null;
  // Before k6 reports, the lab may still be starting: the load has not begun, whatever the clock says.
  const elapsed = load?.elapsedSeconds ?? 0;
  const fraction = total ? elapsed / total : 0;
  const barWidth = Math.max(5, Math.min(30, width - LABEL_WIDTH - 22));
  const progress = `${formatClock(elapsed)}/${total !== undefined ? formatClock(total) : NO_DATA} ${progressBar(fraction, barWidth)} ${Math.round(Math.min(1, fraction) * 100)}%`;
  const rates = load
    ? `target ${formatRate(load.targetRate)} · achieved ${formatRate(load.achievedRate)} · VUs ${load.vus}/${load.vusAllocated} · dropped ${load.droppedIterations}`
    : 'waiting for k6…';
  const behind =
    load !== undefined && (load.droppedIterations > 0 || load.achievedRate < load.targetRate * 0.95);
  return (
    <Box flexDirection="column" width={width}>
      <Box>
        <Label>load</Label>
        <Text wrap="truncate-end">{progress}</Text>
      </Box>
      <Box>
        <Label>{''}</Label>
        <Text wrap="truncate-end" {...(behind ? { color: 'yellow' } : {})}>
          {rates}
        </Text>
      </Box>
    </Box>
  );
}

export function ThroughputPanel({ state, width }: { state: ViewState; width: number }) {
  const h = state.history;
  const l = state.latest;
  const failing = (l.failed_rate ?? 0) > 0;
  return (
    <Box flexDirection="column">
      <SeriesRow
        label="accepted"
        value={formatRate(l.accepted_rate)}
        points={h.accepted_rate}
        width={width}
      />
      <SeriesRow
        label="completed"
        value={formatRate(l.completed_rate)}
        points={h.completed_rate}
        width={width}
      />
      <SeriesRow
        label="failed"
        value={formatRate(l.failed_rate)}
        points={h.failed_rate}
        width={width}
        {...(failing ? { color: 'yellow' } : {})}
      />
    </Box>
  );
}

export function LatencyPanel({ state, width }: { state: ViewState; width: number }) {
  const l = state.latest;
  return (
    <Box flexDirection="column">
      <SeriesRow
        label={sli('accept_p95_latency').liveLabel}
        value={formatSeconds(l.accept_p95_latency)}
        points={state.history.accept_p95_latency}
        width={width}
      />
      <Box>
        <Label>{''}</Label>
        <Text color="gray" wrap="truncate-end">
          p50 {formatSeconds(l.latency_p50)} · p99 {formatSeconds(l.latency_p99)} ·{' '}
          {sli('accept_error_rate').liveLabel} {formatRatio(l.accept_error_rate)}
        </Text>
      </Box>
    </Box>
  );
}

export function LagPanel({ state, width }: { state: ViewState; width: number }) {
  const l = state.latest;
  const rows: { label: string; id: SeriesId; value: string }[] = [
    { label: sli('outbox_lag').liveLabel, id: 'outbox_lag', value: formatSeconds(l.outbox_lag) },
    { label: 'outbox rows', id: 'outbox_pending', value: formatCount(l.outbox_pending) },
    { label: sli('consumer_lag').liveLabel, id: 'consumer_lag', value: formatCount(l.consumer_lag) },
  ];
  return (
    <Box flexDirection="column">
      {rows.map((r) => (
        <SeriesRow key={r.id} label={r.label} value={r.value} points={state.history[r.id]} width={width} />
      ))}
    </Box>
  );
}

export function OtherSlisPanel({
  state,
  width,
  definitions = SLIS,
}: {
  state: ViewState;
  width: number;
  definitions?: readonly Pick<SliDefinition, 'id' | 'liveLabel' | 'unit'>[];
}) {
  const rows = otherSliRows(state, definitions);
  if (rows.length === 0) return null;
  return (
    <Box flexDirection="column">
      {rows.map((r) => (
        <SeriesRow
          key={r.id}
          label={r.label}
          value={formatInUnit(r.unit, r.value)}
          points={r.points}
          width={width}
        />
      ))}
    </Box>
  );
}

function CountItem({ name, value, bad }: { name: string; value: number | undefined; bad: boolean }) {
  const color = value === undefined ? 'gray' : bad && value > 0 ? 'red' : 'green';
  return (
    <Text>
      {name} <Text color={color}>{formatCount(value)}</Text>
    </Text>
  );
}

export function InvariantsPanel({ state, width }: { state: ViewState; width: number }) {
  return (
    <Box width={width} flexWrap="wrap">
      <Label>invariants</Label>
      <Box columnGap={2} flexWrap="wrap" flexShrink={1}>
        <CountItem name="double charges" value={counterSinceStart(state, 'double_captures')} bad />
        <CountItem name="stuck" value={state.invariants.stuck} bad />
        <CountItem name="lost" value={state.invariants.lost} bad />
        <Text>
          dups absorbed{' '}
          <Text color="gray">{formatCount(counterSinceStart(state, 'duplicates_absorbed'))}</Text>
        </Text>
      </Box>
    </Box>
  );
}

function BrokerItem({ broker }: { broker: BrokerState }) {
  if (!broker.up) {
    return (
      <Text>
        {broker.broker} <Text color="red">down</Text>
      </Text>
    );
  }
  const lagging = (broker.underReplicated ?? 0) > 0;
  return (
    <Text>
      {broker.broker}
      {broker.activeController ? <Text color="cyan"> ctl</Text> : null} {formatCount(broker.leaders)} led
      {lagging ? <Text color="yellow"> {formatCount(broker.underReplicated)} under-repl.</Text> : null}
    </Text>
  );
}

/**
 * Cluster mode only (more than one broker scraped): a row per broker — down, or how many
 * partitions it leads, "ctl" on the active controller — and the cluster's under-replicated and
 * offline partitions and the ISR shrinks/expands since the view started.
 */
export function BrokersPanel({ state, width }: { state: ViewState; width: number }) {
  const kafka = state.kafka;
  if (!kafka || kafka.brokers.length < 2) return null;
  const under = totalUnderReplicated(kafka);
  const offline = kafka.offlinePartitions;
  return (
    <Box flexDirection="column" width={width}>
      <Box>
        <Label>brokers</Label>
        <Box columnGap={2} flexWrap="wrap" flexShrink={1}>
          {kafka.brokers.map((b) => (
            <BrokerItem key={b.broker} broker={b} />
          ))}
        </Box>
      </Box>
      <Box>
        <Label>{''}</Label>
        <Text wrap="truncate-end">
          under-replicated{' '}
          <Text color={under === undefined ? 'gray' : under > 0 ? 'yellow' : 'green'}>
            {formatCount(under)}
          </Text>
          {' · '}offline{' '}
          <Text color={offline === undefined ? 'gray' : offline > 0 ? 'red' : 'green'}>
            {formatCount(offline)}
          </Text>
          <Text color="gray">
            {' · '}ISR shrinks {formatCount(counterSinceStart(state, 'isr_shrinks'))} · expands{' '}
            {formatCount(counterSinceStart(state, 'isr_expands'))}
          </Text>
        </Text>
      </Box>
    </Box>
  );
}

export function FaultsPanel({ state, width }: { state: ViewState; width: number }) {
  return (
    <Box flexDirection="column" width={width}>
      {state.activeFaults.length === 0 ? (
        <Box>
          <Label>faults</Label>
          <Text color="gray">none active</Text>
        </Box>
      ) : (
        state.activeFaults.map((f, i) => (
          <Box key={f.faultId}>
            <Label>{i === 0 ? 'faults' : ''}</Label>
            <Text color="red" wrap="truncate-end">
              ● {f.label} <Text color="gray">{formatTimer((state.now - f.startedAt) / 1000)}</Text>
            </Text>
          </Box>
        ))
      )}
    </Box>
  );
}

export function RecoveryPanel({ state, width }: { state: ViewState; width: number }) {
  if (state.recoveries.length === 0) return null;
  return (
    <Box flexDirection="column" width={width}>
      {state.recoveries.map((r, i) => {
        const seconds = formatTimer(recoveryTimerSeconds(r, state.now));
        const text =
          r.status === 'running'
            ? `↻ ${r.label} ${seconds} and counting`
            : r.status === 'recovered'
              ? `✓ ${r.label} recovered in ${seconds}${r.source === 'observed' ? ' (view estimate)' : ''}`
              : `✗ ${r.label} did not recover`;
        const color = r.status === 'running' ? 'yellow' : r.status === 'recovered' ? 'green' : 'red';
        return (
          <Box key={r.faultId}>
            <Label>{i === 0 ? 'recovery' : ''}</Label>
            <Text color={color} wrap="truncate-end">
              {text}
            </Text>
          </Box>
        );
      })}
    </Box>
  );
}

export function Footer({
  state,
  width,
  prometheusUrl,
  stopping = false,
}: {
  state: ViewState;
  width: number;
  prometheusUrl: string;
  stopping?: boolean;
}) {
  if (stopping) {
    return (
      <Box width={width}>
        <Text color="yellow" wrap="truncate-end">
          stopping… (q pressed)
        </Text>
      </Box>
    );
  }
  const band = state.bandSource === 'none' ? 'no band yet' : `band ${state.bandSource}`;
  if (state.prometheusError !== undefined && labStarting(state)) {
    return (
      <Box width={width}>
        <Text color="gray" wrap="truncate-end">
          q quit · the lab is starting; live numbers follow once Prometheus answers
        </Text>
      </Box>
    );
  }
  if (state.prometheusError !== undefined) {
    return (
      <Box width={width}>
        <Text color="red" wrap="truncate-end">
          q quit · {state.prometheusError}
        </Text>
      </Box>
    );
  }
  const status =
    state.sampleCount === 0 ? `waiting for Prometheus at ${prometheusUrl}…` : `prometheus ok · ${band}`;
  return (
    <Box width={width}>
      <Text color="gray" wrap="truncate-end">
        q quit · {status}
      </Text>
    </Box>
  );
}

const TONE_COLOR: Record<LogTone, string> = {
  fault: 'red',
  heal: 'blue',
  ok: 'green',
  bad: 'red',
  info: 'gray',
};

export function FaultLog({ entries }: { entries: readonly LogEntry[] }) {
  return (
    <Static items={[...entries]}>
      {(entry) => (
        <Text key={entry.id} color={TONE_COLOR[entry.tone]}>
          {formatTimeOfDay(entry.at)} {entry.text}
        </Text>
      )}
    </Static>
  );
}

function Rule({ width }: { width: number }) {
  return <Text color="gray">{'─'.repeat(width)}</Text>;
}

/** The whole live dashboard for one view state. Pure: same state and width, same frame. */
export function LiveDashboard({
  state,
  width,
  prometheusUrl,
  stopping = false,
}: {
  state: ViewState;
  width: number;
  prometheusUrl: string;
  /** The user quit and the runner is healing; the view stays until the runner stops it. */
  stopping?: boolean;
}) {
  return (
    <Box flexDirection="column">
      <FaultLog entries={state.log} />
      <Box flexDirection="column" width={width}>
        <Header state={state} width={width} />
        <LoadPanel state={state} width={width} />
        <Rule width={width} />
        <ThroughputPanel state={state} width={width} />
        <LatencyPanel state={state} width={width} />
        <LagPanel state={state} width={width} />
        <OtherSlisPanel state={state} width={width} />
        <InvariantsPanel state={state} width={width} />
        <BrokersPanel state={state} width={width} />
        <FaultsPanel state={state} width={width} />
        <RecoveryPanel state={state} width={width} />
        <Rule width={width} />
        <Footer state={state} width={width} prometheusUrl={prometheusUrl} stopping={stopping} />
      </Box>
    </Box>
  );
}
