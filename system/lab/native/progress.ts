/** Named steps with elapsed time, so a first `up` that installs tools for minutes is never silent. */

export type ProgressSink = (line: string) => void;

export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${Math.round(seconds - minutes * 60)}s`;
}

/** Runs `fn` as a named step; long steps print a heartbeat every 15 s. */
export async function step<T>(sink: ProgressSink, name: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  sink(`• ${name} …`);
  const heartbeat = setInterval(
    () => sink(`  ${name}: still working (${formatElapsed(Date.now() - started)})`),
    15_000,
  );
  heartbeat.unref();
  try {
    const result = await fn();
    sink(`✓ ${name} (${formatElapsed(Date.now() - started)})`);
    return result;
  } catch (error) {
    sink(`✗ ${name} failed after ${formatElapsed(Date.now() - started)}`);
    throw error;
  } finally {
    clearInterval(heartbeat);
  }
}
