import type { Metrics } from './metrics.js';

/**
 * A short in-process history of the HTTP metrics, for a console that has no Prometheus to ask:
 * every interval it reads the process's own request counter and duration histogram and keeps one
 * point per interval (request rate, 5xx share, p95) in a ring buffer, an hour by default. The
 * probes (/health…, /metrics) are left out, as the SLO rules leave them out.
 */
export interface HistoryPoint {
  /** End of the interval, ms since the epoch. */
  at: number;
  requestsPerSecond: number;
  /** Share of requests answered 5xx; null without requests. */
  errorRatio: number | null;
  /** 95th percentile of the duration, seconds, interpolated in its bucket; null without requests. */
  p95Seconds: number | null;
}

export interface MetricsHistoryOptions {
  /** ms since the epoch; the interval timer only decides when to look. */
  now?: () => number;
  intervalMs?: number;
  /** Points kept; 360 × 10 s is an hour. */
  capacity?: number;
}

interface Totals {
  requests: number;
  errors: number;
  /** Cumulative count per upper bound (`le`), +Inf included. */
  buckets: Map<number, number>;
}

const PROBE_ROUTE = /^\/health|^\/metrics$/;

async function readTotals(metrics: Metrics): Promise<Totals> {
  const totals: Totals = { requests: 0, errors: 0, buckets: new Map() };
  for (const v of (await metrics.httpTotal.get()).values) {
    if (PROBE_ROUTE.test(String(v.labels.route ?? ''))) continue;
    totals.requests += v.value;
    if (String(v.labels.status_code ?? '').startsWith('5')) totals.errors += v.value;
  }
  for (const v of (await metrics.httpDuration.get()).values) {
    if (v.metricName !== 'http_request_duration_seconds_bucket') continue;
    if (PROBE_ROUTE.test(String(v.labels.route ?? ''))) continue;
    const labels = v.labels as Record<string, string | number | undefined>;
    const le = labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(labels.le);
    totals.buckets.set(le, (totals.buckets.get(le) ?? 0) + v.value);
  }
  return totals;
}

/** The q-quantile of cumulative bucket counts, as Prometheus' histogram_quantile() estimates it. */
export function quantileOfBuckets(q: number, buckets: Map<number, number>): number | null {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const total = buckets.get(Number.POSITIVE_INFINITY) ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const le of bounds) {
    const count = buckets.get(le) ?? 0;
    if (count >= rank) {
      // Beyond the highest finite bound nothing is known but that bound.
      if (le === Number.POSITIVE_INFINITY) return lower;
      const inBucket = count - below;
      return inBucket > 0 ? lower + ((le - lower) * (rank - below)) / inBucket : le;
    }
    lower = le;
    below = count;
  }
  return lower;
}

function pointBetween(before: Totals, after: Totals, seconds: number, at: number): HistoryPoint {
  // A counter that went down means the registry was reset: count from zero.
  const reset = after.requests < before.requests;
  const base: Totals = reset ? { requests: 0, errors: 0, buckets: new Map() } : before;
  const requests = after.requests - base.requests;
  const buckets = new Map<number, number>();
  for (const [le, count] of after.buckets) buckets.set(le, count - (base.buckets.get(le) ?? 0));
  return {
    at,
    requestsPerSecond: requests / seconds,
    errorRatio: requests > 0 ? (after.errors - base.errors) / requests : null,
    p95Seconds: requests > 0 ? quantileOfBuckets(0.95, buckets) : null,
  };
}

export function createMetricsHistory(metrics: Metrics, opts: MetricsHistoryOptions = {}) {
  const now = opts.now ?? Date.now;
  const intervalMs = opts.intervalMs ?? 10_000;
  const capacity = opts.capacity ?? 360;
  const ring: HistoryPoint[] = new Array(capacity);
  let size = 0;
  let next = 0;
  let last: { at: number; totals: Totals } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function sample(): Promise<void> {
    const at = now();
    const totals = await readTotals(metrics);
    if (last && at > last.at) {
      ring[next] = pointBetween(last.totals, totals, (at - last.at) / 1000, at);
      next = (next + 1) % capacity;
      size = Math.min(size + 1, capacity);
    }
    if (!last || at > last.at) last = { at, totals };
  }

  return {
    intervalMs,
    capacity,

    /** Takes one sample now: the first sets the baseline, each later one adds a point. */
    tick(): Promise<void> {
      // One sample at a time, so that two ticks never interleave their reads.
      running = (running ?? Promise.resolve()).then(sample, sample);
      return running;
    },

    /** Starts sampling every interval; the timer never keeps the process alive. */
    start() {
      if (timer) return;
      void this.tick();
      timer = setInterval(() => void this.tick().catch(() => undefined), intervalMs);
      timer.unref();
    },

    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },

    get started() {
      return timer !== undefined;
    },

    /** Points, oldest first, whose interval ended within the last `windowMs`. */
    points(windowMs = intervalMs * capacity): HistoryPoint[] {
      const from = now() - windowMs;
      const out: HistoryPoint[] = [];
      for (let i = 0; i < size; i++) {
        const p = ring[(next - size + i + capacity) % capacity]!;
        if (p.at > from) out.push(p);
      }
      return out;
    },
  };
}

export type MetricsHistory = ReturnType<typeof createMetricsHistory>;
