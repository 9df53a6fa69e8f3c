/** The runner's waits and bounds, named once. Seconds where a scenario speaks seconds, ms otherwise. */

/** The drain keeps observing at least this long after the load and the last fault, so lags have
 *  samples to recover in. */
export const MIN_OBSERVATION_AFTER_SECONDS = 10;
/** How often the drain reads the run's progress from the DB (and re-judges recovery). */
export const DRAIN_POLL_MS = 2000;
/** How often the live view gets k6's achieved rate, VUs and drops. */
export const LOAD_PROGRESS_INTERVAL_MS = 2000;
/** Prometheus scrapes every second: let it scrape the drain's last second before range queries read it. */
export const FINAL_SCRAPE_WAIT_MS = 2500;
/** The fault gauge must be scraped at 0 after healing before its endpoint closes. */
export const GAUGE_ZERO_SCRAPE_WAIT_MS = 1500;
/** Range queries start this long before the load, so the first rate window has a value before it. */
export const SERIES_LEAD_MS = 5000;
/** Reading the run's messages back: tries, and the pause between them (a broker connection
 *  closed right after a heal on a busy machine is worth a fresh consumer). */
export const TOPIC_READ_ATTEMPTS = 3;
export const TOPIC_READ_RETRY_MS = 2000;
/** k6's exit code when thresholds were crossed: judged by the verdicts, not a broken load. */
export const K6_THRESHOLDS_CROSSED = 99;
/** prepare waits at most this long for an earlier run's backlog (pending outbox rows, consumer
 *  lag) to drain, so the warm-up measures this run's steady state; then it notes it and goes on. */
export const BACKLOG_WAIT_MS = 30_000;
export const BACKLOG_POLL_MS = 1000;
