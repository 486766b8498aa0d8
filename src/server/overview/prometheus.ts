import { AppError } from '../../platform/http/errors.js';
import type { HistoryPoint } from '../../platform/observability/metrics-history.js';

/**
 * The console's history from Prometheus (PROMETHEUS_URL): the same three series over the same
 * traffic the SLO rules count (edge-facing roles, no probes), one point a minute.
 */
const SELECTOR = 'role=~"all|gateway", route!~"/health.*|/metrics"';
export const HISTORY_QUERIES = {
  requestsPerSecond: `sum(rate(http_requests_total{${SELECTOR}}[2m]))`,
  errorRatio: `(sum(rate(http_requests_total{${SELECTOR}, status_code=~"5.."}[2m])) or vector(0)) / (sum(rate(http_requests_total{${SELECTOR}}[2m])) > 0)`,
  p95Seconds: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${SELECTOR}}[2m])))`,
} as const;
export const SLO_QUERIES = {
  budgetRemaining: 'slo:error_budget_remaining:ratio{slo="availability"}',
  burnRate1h: 'slo:sli_error:ratio_rate1h{slo="availability"}',
  burnRate5m: 'slo:sli_error:ratio_rate5m{slo="availability"}',
} as const;

type Series = { metric: Record<string, string>; values?: [number, string][]; value?: [number, string] };
interface PromAnswer {
  status: 'success' | 'error';
  data?: { resultType: string; result: Series[] };
  error?: string;
}

const unavailable = (why: string) =>
  new AppError(502, 'prometheus_unavailable', `Prometheus could not be queried: ${why}`);

async function ask(base: string, api: string, params: Record<string, string>, timeoutMs: number) {
  const url = `${base.replace(/\/+$/, '')}/api/v1/${api}?${new URLSearchParams(params)}`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw unavailable(err instanceof Error ? err.message : String(err));
  }
  const body = (await res.json().catch(() => undefined)) as PromAnswer | undefined;
  if (!res.ok || body?.status !== 'success' || !body.data) {
    throw unavailable(body?.error ?? `HTTP ${res.status}`);
  }
  return body.data.result;
}

const num = (v: string | undefined) => {
  const n = Number(v);
  return v === undefined || !Number.isFinite(n) ? null : n;
};

export function createPrometheusHistory(baseUrl: string, timeoutMs = 5_000) {
  return {
    /** The three series over the last `windowMs`, one point per step, aligned on the step. */
    async points(windowMs: number, nowMs: number, stepSeconds = 60): Promise<HistoryPoint[]> {
      const end = Math.floor(nowMs / 1000 / stepSeconds) * stepSeconds;
      const range = { start: String(end - windowMs / 1000), end: String(end), step: String(stepSeconds) };
      const keys = Object.keys(HISTORY_QUERIES) as (keyof typeof HISTORY_QUERIES)[];
      const results = await Promise.all(
        keys.map((k) => ask(baseUrl, 'query_range', { query: HISTORY_QUERIES[k], ...range }, timeoutMs)),
      );
      const byTime = new Map<number, HistoryPoint>();
      keys.forEach((k, i) => {
        for (const [t, v] of results[i]![0]?.values ?? []) {
          const p = byTime.get(t) ?? {
            at: t * 1000,
            requestsPerSecond: 0,
            errorRatio: null,
            p95Seconds: null,
          };
          if (k === 'requestsPerSecond') p.requestsPerSecond = num(v) ?? 0;
          else p[k] = num(v);
          byTime.set(t, p);
        }
      });
      return [...byTime.values()].sort((a, b) => a.at - b.at);
    },

    /** The recorded availability figures; null where Prometheus has none (no traffic yet). */
    async slo(): Promise<{
      budgetRemaining: number | null;
      errorRatio1h: number | null;
      errorRatio5m: number | null;
    }> {
      const [budget, r1h, r5m] = await Promise.all(
        Object.values(SLO_QUERIES).map((query) => ask(baseUrl, 'query', { query }, timeoutMs)),
      );
      const first = (r: Series[] | undefined) => num(r?.[0]?.value?.[1]);
      return { budgetRemaining: first(budget), errorRatio1h: first(r1h), errorRatio5m: first(r5m) };
    },
  };
}

export type PrometheusHistory = ReturnType<typeof createPrometheusHistory>;
