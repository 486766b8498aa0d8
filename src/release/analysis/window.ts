import { parsePromText } from './prom-text.js';

/**
 * A slot's figures over one analysis window, computed from /metrics pages the way Prometheus'
 * increase() and histogram_quantile() compute them: requests, 5xx and latency of real traffic
 * (probes and metrics scrapes left out).
 */
export const PROBE_ROUTES = /^\/(health|metrics)/;

/** What the checks judge: one slot over one window. */
export interface SlotStats {
  requests: number;
  errors: number;
  errorRate: number | null;
  p95Seconds: number | null;
}

/** Cumulative request figures of one slot: totals and histogram buckets (upper bound → count). */
export interface Cumulative {
  requests: number;
  errors: number;
  buckets: Map<number, number>;
}

export function emptyCumulative(): Cumulative {
  return { requests: 0, errors: 0, buckets: new Map() };
}

/** Sums one /metrics page into request, 5xx and bucket totals, leaving out probe routes. */
export function cumulativeFromText(text: string): Cumulative {
  const out = emptyCumulative();
  for (const s of parsePromText(
    text,
    new Set(['http_requests_total', 'http_request_duration_seconds_bucket']),
  )) {
    if (PROBE_ROUTES.test(s.labels.route ?? '')) continue;
    if (s.name === 'http_requests_total') {
      out.requests += s.value;
      if ((s.labels.status_code ?? '').startsWith('5')) out.errors += s.value;
    } else {
      const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
      out.buckets.set(le, (out.buckets.get(le) ?? 0) + s.value);
    }
  }
  return out;
}

/** b − a, where a counter that went down (a restarted process) counts from zero, as in Prometheus. */
export function delta(a: Cumulative, b: Cumulative): Cumulative {
  const d = (x: number, y: number) => (y >= x ? y - x : y);
  const buckets = new Map<number, number>();
  for (const [le, v] of b.buckets) buckets.set(le, d(a.buckets.get(le) ?? 0, v));
  return { requests: d(a.requests, b.requests), errors: d(a.errors, b.errors), buckets };
}

export function add(a: Cumulative, b: Cumulative): Cumulative {
  const buckets = new Map(a.buckets);
  for (const [le, v] of b.buckets) buckets.set(le, (buckets.get(le) ?? 0) + v);
  return { requests: a.requests + b.requests, errors: a.errors + b.errors, buckets };
}

/** The q-quantile from cumulative bucket counts, interpolating linearly as histogram_quantile() does. */
export function quantile(q: number, buckets: Map<number, number>): number | null {
  const sorted = [...buckets.entries()].sort((x, y) => x[0] - y[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (!sorted.length || total <= 0 || sorted.at(-1)![0] !== Number.POSITIVE_INFINITY) return null;
  const rank = q * total;
  let prevBound = 0;
  let prevCount = 0;
  for (const [bound, count] of sorted) {
    if (count >= rank) {
      if (bound === Number.POSITIVE_INFINITY) return prevBound;
      if (count === prevCount) return bound;
      return prevBound + (bound - prevBound) * ((rank - prevCount) / (count - prevCount));
    }
    prevBound = bound;
    prevCount = count;
  }
  return prevBound;
}

export function statsOf(c: Cumulative): SlotStats {
  return {
    requests: Math.round(c.requests),
    errors: Math.round(c.errors),
    errorRate: c.requests > 0 ? c.errors / c.requests : null,
    p95Seconds: c.requests > 0 ? quantile(0.95, c.buckets) : null,
  };
}
