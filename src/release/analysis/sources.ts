import type { JudgedMetric } from '../policy.js';
import { EXCLUDED_ROUTES } from './promql.js';
import {
  add,
  type Cumulative,
  cumulativeFromText,
  delta,
  emptyCumulative,
  type MetricSample,
  perBucket,
  type SlotStats,
  statsOf,
} from './window.js';

/**
 * Where the window figures come from: from Prometheus with PromQL when PROMETHEUS_URL is set;
 * otherwise by scraping each replica's /metrics every interval and taking counter and histogram
 * deltas, as Prometheus' increase() does.
 */
export interface SlotTarget {
  slot: string;
  version: string;
  ports: number[];
}

export type SourceKind = 'scrape' | 'prometheus';

export interface MetricsSource {
  kind: SourceKind;
  /**
   * Figures for each slot over the last window (or since the source started, if shorter); with
   * `since` (ms since the epoch), over traffic from then on only.
   */
  sample(slots: SlotTarget[], opts?: { since?: number }): Promise<Record<string, SlotStats>>;
}

async function fetchText(url: string, timeoutMs: number): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status} ${text.slice(0, 200)}`);
  return text;
}

/** Scrapes every replica's /metrics; keeps per-slot running totals with restarts accounted for. */
export function createScrapeSource(
  windowMs: number,
  metrics: readonly JudgedMetric[] = [],
  timeoutMs = 2_000,
): MetricsSource {
  const lastSeen = new Map<string, Cumulative>(); // per replica URL
  const running = new Map<string, Cumulative>(); // per slot:version, reset-corrected
  const history = new Map<string, { at: number; c: Cumulative }[]>();

  return {
    kind: 'scrape',
    async sample(slots, opts = {}) {
      const out: Record<string, SlotStats> = {};
      const now = Date.now();

      for (const { slot, version, ports } of slots) {
        const key = `${slot}:${version}`;
        let total = running.get(key) ?? emptyCumulative();
        const pages = await Promise.all(
          ports.map((port) =>
            fetchText(`http://127.0.0.1:${port}/metrics`, timeoutMs)
              .then((text) => ({ port, c: cumulativeFromText(text, metrics) }))
              .catch(() => null),
          ),
        );
        for (const page of pages) {
          if (!page) continue; // a replica that is down adds nothing this round
          const url = `${key}:${page.port}`;
          const before = lastSeen.get(url);
          total = add(total, before ? delta(before, page.c) : emptyCumulative());
          lastSeen.set(url, page.c);
        }
        running.set(key, total);
        const h = history.get(key) ?? [];
        h.push({ at: now, c: total });
        while (h.length > 1 && h[1]!.at <= now - windowMs) h.shift();
        history.set(key, h);
        // The delta's base: the last entry at or before the window's start (or `since`).
        let base = 0;
        while (opts.since !== undefined && base < h.length - 1 && h[base + 1]!.at <= opts.since) base++;
        out[slot] = statsOf(delta(h[base]!.c, total), metrics);
      }
      return out;
    },
  };
}

/** Label matchers for one side of the comparison, e.g. `slot="blue",version="1.2.0"`. */
export type PromSelector = string;

const labelMatchers = (m: Record<string, string>) =>
  Object.entries(m)
    .map(([k, re]) => `,${k}=~"${re.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)
    .join('');

export type MetricQuery =
  | { metric: JudgedMetric; kind: 'proportion'; total: string; bad: string }
  | { metric: JudgedMetric; kind: 'buckets'; buckets: string };

/** The PromQL behind each figure, over the given selector. */
export function promQueries(selector: PromSelector, windowMs: number, metrics: readonly JudgedMetric[] = []) {
  const w = `${Math.max(1, Math.round(windowMs / 1000))}s`;
  const sel = `${selector},route!~"${EXCLUDED_ROUTES}"`;
  return {
    requests: `sum(increase(http_requests_total{${sel}}[${w}]))`,
    errors: `sum(increase(http_requests_total{${sel},status_code=~"5.."}[${w}]))`,
    p95: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${sel}}[${w}])))`,
    metrics: metrics.map(
      (m): MetricQuery =>
        m.test === 'proportion'
          ? {
              metric: m,
              kind: 'proportion',
              total: `sum(increase(${m.metric}{${sel}${labelMatchers(m.where)}}[${w}]))`,
              bad: `sum(increase(${m.metric}{${sel}${labelMatchers(m.where)}${labelMatchers(m.bad)}}[${w}]))`,
            }
          : {
              metric: m,
              kind: 'buckets',
              buckets: `sum by (le) (increase(${m.metric}_bucket{${sel}${labelMatchers(m.where)}}[${w}]))`,
            },
    ),
  };
}

/** The selector of one slot's replicas on one host, by the labels of the Prometheus targets file. */
export const slotSelector = (slot: string, version: string): PromSelector =>
  `slot="${slot}",version="${version}"`;

type PromResult = { metric: Record<string, string>; value: [number, string] }[];

export function createPrometheusSource(
  baseUrl: string,
  windowMs: number,
  metrics: readonly JudgedMetric[] = [],
  timeoutMs = 5_000,
): MetricsSource & { figures(selector: PromSelector): Promise<SlotStats> } {
  async function vector(query: string): Promise<PromResult> {
    const url = `${baseUrl.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(query)}`;
    const body = JSON.parse(await fetchText(url, timeoutMs)) as {
      status: string;
      data?: { result: PromResult };
      error?: string;
    };
    if (body.status !== 'success') throw new Error(`Prometheus refused ${query}: ${body.error}`);
    return body.data?.result ?? [];
  }
  const number = (v: string | undefined) => {
    const n = Number(v);
    return v === undefined || !Number.isFinite(n) ? null : n;
  };
  const scalar = async (query: string) => number((await vector(query))[0]?.value[1]);

  async function metricSample(q: MetricQuery): Promise<MetricSample> {
    if (q.kind === 'proportion') {
      const [total, bad] = await Promise.all([scalar(q.total), scalar(q.bad)]);
      return { test: 'proportion', total: Math.round(total ?? 0), bad: Math.round(bad ?? 0) };
    }
    const buckets = new Map<number, number>();
    for (const r of await vector(q.buckets)) {
      const le = r.metric.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(r.metric.le);
      buckets.set(le, number(r.value[1]) ?? 0);
    }
    const { bounds, counts } = perBucket(buckets);
    return { test: 'mann-whitney', bounds, counts: counts.map(Math.round) };
  }

  async function figures(selector: PromSelector, since?: number): Promise<SlotStats> {
    const q = promQueries(
      selector,
      since === undefined ? windowMs : Math.min(windowMs, Date.now() - since),
      metrics,
    );
    const [requests, errors, p95, samples] = await Promise.all([
      scalar(q.requests),
      scalar(q.errors),
      scalar(q.p95),
      Promise.all(q.metrics.map(metricSample)),
    ]);
    const r = requests ?? 0;
    return {
      requests: Math.round(r),
      errors: Math.round(errors ?? 0),
      errorRate: r > 0 ? (errors ?? 0) / r : null,
      p95Seconds: r > 0 ? p95 : null,
      ...(metrics.length
        ? { metrics: Object.fromEntries(metrics.map((m, i) => [m.name, samples[i]!])) }
        : {}),
    };
  }

  return {
    kind: 'prometheus',
    figures,
    async sample(slots, opts = {}) {
      const out: Record<string, SlotStats> = {};
      for (const { slot, version } of slots)
        out[slot] = await figures(slotSelector(slot, version), opts.since);
      return out;
    },
  };
}
