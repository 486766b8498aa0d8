/** What release analysis leaves out of PromQL, and how it writes durations. */

/** Probes and scrapes hit every pod constantly; they say nothing about a release. */
export const EXCLUDED_ROUTES = '/health|/health/ready|/metrics';

/** Prometheus durations: whole seconds as `30s`, anything finer in milliseconds. */
export function promDuration(ms: number): string {
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
