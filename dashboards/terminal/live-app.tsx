/** The stateful shell of the live view: owns the reducer, the polling, the clock and the keys. */
import { useInput, useApp, useStdin, useWindowSize } from 'ink';
import { useEffect, useReducer, useRef, useState } from 'react';
import type { ActionSource } from './event-bus.ts';
import { LiveDashboard } from './panels.tsx';
import { initialViewState, viewReducer } from './state.ts';
import { useLabSamples, type Sampler } from './use-lab-samples.ts';

export interface LiveAppProps {
  prometheusUrl: string;
  title: string;
  totalSeconds?: number;
  events?: ActionSource;
  /**
   * Called once on q (or Ctrl-C). With it, the view stays up showing "stopping" until its owner
   * unmounts it (the runner heals faults meanwhile); without it, q simply exits.
   */
  onQuit?: () => void;
  /** Overrides the terminal's width (tests; a runner that draws beside other output). */
  width?: number;
  sampler?: Sampler;
  sampleIntervalMs?: number;
  now?: () => number;
}

const MAX_WIDTH = 100;

export function LiveApp(props: LiveAppProps) {
  const now = props.now ?? Date.now;
  const [state, dispatch] = useReducer(viewReducer, undefined, () =>
    initialViewState({
      title: props.title,
      startedAt: now(),
      ...(props.totalSeconds !== undefined ? { totalSeconds: props.totalSeconds } : {}),
    }),
  );
  const { exit } = useApp();
  // Re-renders on resize: the dashboard reflows to the terminal's width.
  const { columns } = useWindowSize();
  const { isRawModeSupported } = useStdin();

  useLabSamples(
    props.prometheusUrl,
    (sample) => dispatch({ type: 'sample', sample }),
    props.sampler,
    props.sampleIntervalMs,
  );

  useEffect(() => props.events?.subscribe(dispatch), [props.events]);

  useEffect(() => {
    // Running timers must move even when Prometheus is slow to answer.
    const timer = setInterval(() => dispatch({ type: 'tick', at: now() }), 1000);
    return () => clearInterval(timer);
  }, [now]);

  const [stopping, setStopping] = useState(false);
  // A ref, not the state: a second q can arrive before the handler that saw the new state is
  // registered, and onQuit must still be called once.
  const quitCalled = useRef(false);
  useInput(
    (input, key) => {
      if (input !== 'q' && !(key.ctrl && input === 'c')) return;
      if (!props.onQuit) return exit();
      if (quitCalled.current) return;
      quitCalled.current = true;
      setStopping(true);
      props.onQuit();
    },
    { isActive: isRawModeSupported },
  );

  const width = props.width ?? Math.min(MAX_WIDTH, columns || 80);
  return (
    <LiveDashboard state={state} width={width} prometheusUrl={props.prometheusUrl} stopping={stopping} />
  );
}
