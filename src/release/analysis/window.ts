import type { JudgedMetric } from '../policy.js';
import { type PromSample, parsePromText } from './prom-text.js';

/**
 * A slot's figures over one analysis window, computed from /metrics pages the way Prometheus'
 * increase() and histogram_quantile() compute them: requests, 5xx and latency of real traffic
 * (probes and metrics scrapes left out).
 */
export const PROBE_ROUTES = /^\/(health|metrics)/;

/** One judged metric of one slot over one window. */
export type MetricSample =
  | { test: 'proportion'; total: number; bad: number }
  /** Observations per histogram bucket (not cumulative), buckets in rising order of `bounds`. */
  | { test: 'mann-whitney'; bounds: number[]; counts: number[] };

/** What the judge judges: one slot over one window. */
export interface SlotStats {
  requests: number;
  errors: number;
  errorRate: number | null;
  p95Seconds: number | null;
  /** The policy's judged metrics, by name. */
  metrics?: Record<string, MetricSample>;
}

/**
 * Cumulative figures of one slot: request and 5xx totals, the request-duration buckets (upper
 * bound → count), and the judged metrics' counters under `metric\tpart` keys.
 */
export interface Cumulative {
  requests: number;
  errors: number;
  buckets: Map<number, number>;
  series: Map<string, number>;
}

export function emptyCumulative(): Cumulative {
  return { requests: 0, errors: 0, buckets: new Map(), series: new Map() };
}

const matches = (labels: Record<string, string>, m: Record<string, string>) =>
  Object.entries(m).every(([k, re]) => new RegExp(`^(?:${re})$`).test(labels[k] ?? ''));

const bump = (map: Map<string, number>, key: string, v: number) => map.set(key, (map.get(key) ?? 0) + v);

const parseLe = (le: string | undefined) => (le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le));

function collect(out: Cumulative, s: PromSample, metrics: readonly JudgedMetric[]) {
  for (const m of metrics) {
    if (!matches(s.labels, m.where)) continue;
    if (m.test === 'proportion' && s.name === m.metric) {
      bump(out.series, `${m.name}\ttotal`, s.value);
      if (matches(s.labels, m.bad)) bump(out.series, `${m.name}\tbad`, s.value);
    } else if (m.test === 'mann-whitney' && s.name === `${m.metric}_bucket`) {
      bump(out.series, `${m.name}\tle\t${s.labels.le}`, s.value);
    }
  }
}

/** Sums one /metrics page into request, 5xx, bucket and judged-metric totals, leaving out probe routes. */
export function cumulativeFromText(text: string, metrics: readonly JudgedMetric[] = []): Cumulative {
  const out = emptyCumulative();
  const names = new Set(['http_requests_total', 'http_request_duration_seconds_bucket']);
  for (const m of metrics) names.add(m.test === 'mann-whitney' ? `${m.metric}_bucket` : m.metric);
  for (const s of parsePromText(text, names)) {
    if (PROBE_ROUTES.test(s.labels.route ?? '')) continue;
    collect(out, s, metrics);
    if (s.name === 'http_requests_total') {
      out.requests += s.value;
      if ((s.labels.status_code ?? '').startsWith('5')) out.errors += s.value;
    } else if (s.name === 'http_request_duration_seconds_bucket') {
      const le = parseLe(s.labels.le);
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
  const series = new Map<string, number>();
  for (const [k, v] of b.series) series.set(k, d(a.series.get(k) ?? 0, v));
  return { requests: d(a.requests, b.requests), errors: d(a.errors, b.errors), buckets, series };
}

export function add(a: Cumulative, b: Cumulative): Cumulative {
  const buckets = new Map(a.buckets);
  for (const [le, v] of b.buckets) buckets.set(le, (buckets.get(le) ?? 0) + v);
  const series = new Map(a.series);
  for (const [k, v] of b.series) bump(series, k, v);
  return { requests: a.requests + b.requests, errors: a.errors + b.errors, buckets, series };
}

/** Cumulative bucket counts (upper bound → count) as counts per bucket, in rising order. */
export function perBucket(cumulative: Map<number, number>): { bounds: number[]; counts: number[] } {
  const sorted = [...cumulative.entries()].sort((x, y) => x[0] - y[0]);
  let before = 0;
  const counts: number[] = [];
  for (const [, c] of sorted) {
    counts.push(Math.max(0, c - before));
    before = Math.max(before, c);
  }
  return { bounds: sorted.map(([le]) => le), counts };
}

/** The judged metrics' window figures out of a cumulative delta. */
export function metricSamples(c: Cumulative, metrics: readonly JudgedMetric[]): Record<string, MetricSample> {
  const out: Record<string, MetricSample> = {};
  for (const m of metrics) {
    if (m.test === 'proportion') {
      out[m.name] = {
        test: 'proportion',
        total: Math.round(c.series.get(`${m.name}\ttotal`) ?? 0),
        bad: Math.round(c.series.get(`${m.name}\tbad`) ?? 0),
      };
    } else {
      const buckets = new Map<number, number>();
      const prefix = `${m.name}\tle\t`;
      for (const [k, v] of c.series)
        if (k.startsWith(prefix)) buckets.set(parseLe(k.slice(prefix.length)), v);
      out[m.name] = { test: 'mann-whitney', ...perBucket(buckets) };
    }
  }
  return out;
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

export function statsOf(c: Cumulative, metrics: readonly JudgedMetric[] = []): SlotStats {
  return {
    requests: Math.round(c.requests),
    errors: Math.round(c.errors),
    errorRate: c.requests > 0 ? c.errors / c.requests : null,
    p95Seconds: c.requests > 0 ? quantile(0.95, c.buckets) : null,
    ...(metrics.length ? { metrics: metricSamples(c, metrics) } : {}),
  };
}
