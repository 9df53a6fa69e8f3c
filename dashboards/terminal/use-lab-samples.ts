/** Data hook: polls Prometheus about once a second and hands each round to `onSample`. */
import { useEffect, useRef } from 'react';
import { sampleLab, type Sample } from './sampler.ts';

export type Sampler = (prometheusUrl: string, signal: AbortSignal) => Promise<Sample>;

export const defaultSampler: Sampler = (prometheusUrl, signal) => sampleLab(prometheusUrl, { signal });

export const SAMPLE_INTERVAL_MS = 1000;

export function useLabSamples(
  prometheusUrl: string,
  onSample: (sample: Sample) => void,
  sampler: Sampler = defaultSampler,
  intervalMs = SAMPLE_INTERVAL_MS,
): void {
  // Keep the latest callback without restarting the polling loop on every render.
  const onSampleRef = useRef(onSample);
  onSampleRef.current = onSample;

  useEffect(() => {
    const controller = new AbortController();
    let inFlight = false;
    const poll = async () => {
      // A slow Prometheus must not pile up overlapping rounds.
      if (inFlight) return;
      inFlight = true;
      try {
        const sample = await sampler(prometheusUrl, controller.signal);
        if (!controller.signal.aborted) onSampleRef.current(sample);
      } catch (error) {
        if (!controller.signal.aborted) {
          const message = error instanceof Error ? error.message : String(error);
          onSampleRef.current({ at: Date.now(), values: {}, error: message });
        }
      } finally {
        inFlight = false;
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), intervalMs);
    return () => {
      clearInterval(timer);
      controller.abort();
    };
  }, [prometheusUrl, sampler, intervalMs]);
}
