import type { ReleasePolicy } from '../policy.js';

/**
 * PromQL for release analysis over the metrics every Voyage process exports
 * (http_requests_total, http_request_duration_seconds_bucket). A query returns one sample, or
 * nothing when the window holds fewer than `minRequests` requests: an empty answer is an
 * inconclusive sample, never a pass.
 */

/** Label matchers selecting one version's pods; values may be Argo `{{args.x}}` placeholders. */
export interface Selector {
  namespace: string;
  role: string;
  podTemplateHash: string;
}

/** Probes and scrapes hit every pod constantly; they say nothing about a release. */
export const EXCLUDED_ROUTES = '/health|/health/ready|/metrics';

/** Prometheus durations: whole seconds as `30s`, anything finer in milliseconds. */
export function promDuration(ms: number): string {
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

function matchers(s: Selector, extra = ''): string {
  return `namespace="${s.namespace}",role="${s.role}",rollouts_pod_template_hash="${s.podTemplateHash}",route!~"${EXCLUDED_ROUTES}"${extra}`;
}

function requests(s: Selector, window: string): string {
  return `sum(increase(http_requests_total{${matchers(s)}}[${window}]))`;
}

/** Nothing unless the window saw at least minRequests requests. */
function enoughRequests(s: Selector, window: string, minRequests: number): string {
  return `${requests(s, window)} >= ${minRequests}`;
}

/** Share of requests answered 5xx over the window. */
export function errorRatioQuery(s: Selector, policy: ReleasePolicy): string {
  const window = promDuration(policy.analysis.window);
  const errors = `sum(increase(http_requests_total{${matchers(s, ',status_code=~"5.."')}}[${window}]))`;
  return `(${errors} or vector(0)) / (${enoughRequests(s, window, policy.analysis.minRequests)})`;
}

/** 95th percentile latency in seconds over the window. */
export function p95Query(s: Selector, policy: ReleasePolicy): string {
  const window = promDuration(policy.analysis.window);
  const buckets = `sum by (le) (increase(http_request_duration_seconds_bucket{${matchers(s)}}[${window}]))`;
  return `histogram_quantile(0.95, ${buckets}) and on() (${enoughRequests(s, window, policy.analysis.minRequests)})`;
}

/** Canary minus stable; nothing unless both saw enough requests. */
export function marginQuery(
  query: (s: Selector, p: ReleasePolicy) => string,
  canary: Selector,
  stable: Selector,
  policy: ReleasePolicy,
): string {
  return `(${query(canary, policy)}) - (${query(stable, policy)})`;
}
