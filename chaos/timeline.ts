/**
 * The fault timeline as data: every start, end and heal is one JSON line in the run folder,
 * a change of the fault_active gauge, and (when Grafana answers) an annotation. Reports and
 * dashboards shade fault windows from these records, never from the scenario's plan.
 */
import fs from 'node:fs';

/** start-failed: the fault never happened; stop-failed: it may still be on (heal retries it). */
export type TimelineEventType = 'start' | 'end' | 'heal' | 'start-failed' | 'stop-failed';

export interface TimelineEvent {
  t: number;
  time: string;
  event: TimelineEventType;
  faultId: string;
  target: string;
  kind: string;
  label: string;
  detail?: string;
}

export interface FaultGauge {
  set(target: string, kind: string, active: boolean): void;
}

export interface Annotator {
  annotate(event: TimelineEvent): void;
}

export class TimelineRecorder {
  readonly events: TimelineEvent[] = [];
  private readonly file: string;
  private readonly gauge: FaultGauge;
  private readonly annotator: Annotator;
  private readonly clock: () => number;

  constructor(file: string, gauge: FaultGauge, annotator: Annotator, clock: () => number = Date.now) {
    this.file = file;
    this.gauge = gauge;
    this.annotator = annotator;
    this.clock = clock;
  }

  record(
    event: TimelineEventType,
    fault: { faultId: string; target: string; kind: string; label: string },
    detail?: string,
    /** When it happened, if not now (an end is dated when its removal was issued). */
    at?: number,
  ): TimelineEvent {
    const t = at ?? this.clock();
    const entry: TimelineEvent = {
      t,
      time: new Date(t).toISOString(),
      event,
      ...fault,
      ...(detail === undefined ? {} : { detail }),
    };
    this.events.push(entry);
    fs.appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
    if (event === 'start') this.gauge.set(fault.target, fault.kind, true);
    if (event === 'end' || event === 'heal') this.gauge.set(fault.target, fault.kind, false);
    this.annotator.annotate(entry);
    return entry;
  }
}

export interface Window {
  id: string;
  label: string;
  target: string;
  kind: string;
  start: number;
  /** null: the fault never ended (the run was cut short before healing recorded it). */
  end: number | null;
}

/** Pairs start and end/heal records into windows, in start order. */
export function windowsOf(events: readonly TimelineEvent[]): Window[] {
  const open = new Map<string, Window>();
  const done: Window[] = [];
  for (const e of events) {
    if (e.event === 'start') {
      open.set(e.faultId, {
        id: e.faultId,
        label: e.label,
        target: e.target,
        kind: e.kind,
        start: e.t,
        end: null,
      });
    } else if (e.event === 'end' || e.event === 'heal') {
      const w = open.get(e.faultId);
      if (w) {
        w.end = e.t;
        done.push(w);
        open.delete(e.faultId);
      }
    }
  }
  return [...done, ...open.values()].sort((a, b) => a.start - b.start);
}

export function readTimeline(file: string): TimelineEvent[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as TimelineEvent);
}
