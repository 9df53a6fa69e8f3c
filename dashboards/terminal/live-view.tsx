/**
 * The scenario runner's entry to the live view: `startLiveView(options)` draws the Ink dashboard
 * when stdout is a terminal and falls back to plain progress lines otherwise.
 */
import { render } from 'ink';
import { createActionBus } from './event-bus.ts';
import { LiveApp } from './live-app.tsx';
import type { LiveEvent, LiveView, LiveViewOptions } from './live-events.ts';
import { startPlainView } from './plain.ts';
import type { ViewAction } from './state.ts';

export type { LiveEvent, LiveView, LiveViewOptions } from './live-events.ts';

/** Redraws per second: enough for one-second samples and running timers, cheap on two cores. */
export const MAX_FPS = 4;

export interface StartLiveViewOptions extends LiveViewOptions {
  /** Force plain lines even on a terminal (e.g. --plain). */
  plain?: boolean;
  stdout?: NodeJS.WriteStream;
}

function stamp(event: LiveEvent): ViewAction {
  // The cast is sound: LiveEvent and ViewAction share the event bodies; `at` is now set.
  return { ...event, at: event.at ?? Date.now() } as ViewAction;
}

export function startLiveView(options: StartLiveViewOptions): LiveView {
  const stdout = options.stdout ?? process.stdout;
  if (options.plain || !stdout.isTTY) {
    return startPlainView({ ...options, write: (line) => void stdout.write(`${line}\n`) });
  }
  const bus = createActionBus();
  let quitCalled = false;
  const instance = render(
    <LiveApp
      prometheusUrl={options.prometheusUrl}
      title={options.title}
      {...(options.totalSeconds !== undefined ? { totalSeconds: options.totalSeconds } : {})}
      events={bus}
      onQuit={() => {
        if (quitCalled) return;
        quitCalled = true;
        options.onQuit?.();
      }}
    />,
    { stdout, maxFps: MAX_FPS, exitOnCtrlC: false },
  );
  let stopped = false;
  return {
    push(event) {
      if (!stopped) bus.push(stamp(event));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      // One last frame with the final state before the terminal is released.
      bus.push({ type: 'tick', at: Date.now() });
      await new Promise((resolve) => setTimeout(resolve, 1000 / MAX_FPS + 10));
      instance.unmount();
      await instance.waitUntilExit();
    },
  };
}
