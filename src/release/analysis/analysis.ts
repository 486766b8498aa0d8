import type { ReleasePolicy } from '../policy.js';
import type { AnalysisSample, SlotName, SlotStats } from '../single-host/state.js';
import { parsePromText } from './prom-text.js';

/**
 * Canary analysis. Both sources compute the same figures over the last `window`: requests, 5xx
 * responses and the p95 latency of real traffic (probes and metrics scrapes left out), per slot.
 * From Prometheus with PromQL when PROMETHEUS_URL is set; otherwise by scraping each replica's
 * /metrics every interval and taking counter and histogram deltas, as Prometheus' increase() does.
 */
export const PROBE_ROUTES = /^\/(health|metrics)/;

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

export type Thresholds = ReleasePolicy['analysis']['thresholds'];

const pct = (r: number) => `${(r * 100).toFixed(1)} %`;
const ms = (s: number) => `${Math.round(s * 1000)} ms`;

/** Pass, fail or inconclusive, with the reasons; `stable` is compared only when it had traffic. */
export function judge(
  canary: SlotStats,
  stable: SlotStats | null,
  analysis: Pick<ReleasePolicy['analysis'], 'minRequests' | 'thresholds'>,
): Pick<AnalysisSample, 'verdict' | 'reasons'> {
  const t = analysis.thresholds;
  if (canary.requests < analysis.minRequests) {
    return {
      verdict: 'inconclusive',
      reasons: [`${canary.requests} requests in the window, fewer than ${analysis.minRequests}`],
    };
  }
  const reasons: string[] = [];
  const er = canary.errorRate ?? 0;
  if (er > t.errorRate) reasons.push(`5xx ratio ${pct(er)} above ${pct(t.errorRate)}`);
  if (canary.p95Seconds !== null && canary.p95Seconds > t.p95Seconds)
    reasons.push(`p95 ${ms(canary.p95Seconds)} above ${ms(t.p95Seconds)}`);
  if (stable && stable.requests >= analysis.minRequests) {
    const ser = stable.errorRate ?? 0;
    if (er - ser > t.errorRateMargin)
      reasons.push(`5xx ratio ${pct(er)} more than ${pct(t.errorRateMargin)} above stable's ${pct(ser)}`);
    if (
      canary.p95Seconds !== null &&
      stable.p95Seconds !== null &&
      canary.p95Seconds - stable.p95Seconds > t.p95MarginSeconds
    )
      reasons.push(
        `p95 ${ms(canary.p95Seconds)} more than ${ms(t.p95MarginSeconds)} above stable's ${ms(stable.p95Seconds)}`,
      );
  }
  return { verdict: reasons.length ? 'fail' : 'pass', reasons };
}

export interface SlotTarget {
  slot: SlotName;
  version: string;
  ports: number[];
}

export interface MetricsSource {
  kind: AnalysisSample['source'];
  /** Figures for each slot over the last window (or since the source started, if shorter). */
  sample(slots: SlotTarget[]): Promise<Record<string, SlotStats>>;
}

async function fetchText(url: string, timeoutMs: number): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status} ${text.slice(0, 200)}`);
  return text;
}

/** Scrapes every replica's /metrics; keeps per-slot running totals with restarts accounted for. */
export function createScrapeSource(windowMs: number, timeoutMs = 2_000): MetricsSource {
  const lastSeen = new Map<string, Cumulative>(); // per replica URL
  const running = new Map<string, Cumulative>(); // per slot:version, reset-corrected
  const history = new Map<string, { at: number; c: Cumulative }[]>();

  return {
    kind: 'scrape',
    async sample(slots) {
      const out: Record<string, SlotStats> = {};
      const now = Date.now();
      for (const { slot, version, ports } of slots) {
        const key = `${slot}:${version}`;
        let total = running.get(key) ?? emptyCumulative();
        const pages = await Promise.all(
          ports.map((port) =>
            fetchText(`http://127.0.0.1:${port}/metrics`, timeoutMs)
              .then((text) => ({ port, c: cumulativeFromText(text) }))
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
        out[slot] = statsOf(delta(h[0]!.c, total));
      }
      return out;
    },
  };
}

/** The PromQL behind each figure; `slot` and `version` are the scrape targets' labels. */
export function promQueries(slot: string, version: string, windowMs: number) {
  const w = `${Math.max(1, Math.round(windowMs / 1000))}s`;
  const sel = `slot="${slot}",version="${version}",route!~"/health.*|/metrics"`;
  return {
    requests: `sum(increase(http_requests_total{${sel}}[${w}]))`,
    errors: `sum(increase(http_requests_total{${sel},status_code=~"5.."}[${w}]))`,
    p95: `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${sel}}[${w}])))`,
  };
}

export function createPrometheusSource(baseUrl: string, windowMs: number, timeoutMs = 5_000): MetricsSource {
  async function scalar(query: string): Promise<number | null> {
    const url = `${baseUrl.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(query)}`;
    const body = JSON.parse(await fetchText(url, timeoutMs)) as {
      status: string;
      data?: { result: { value: [number, string] }[] };
      error?: string;
    };
    if (body.status !== 'success') throw new Error(`Prometheus refused ${query}: ${body.error}`);
    const v = body.data?.result[0]?.value[1];
    if (v === undefined) return null;
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return {
    kind: 'prometheus',
    async sample(slots) {
      const out: Record<string, SlotStats> = {};
      for (const { slot, version } of slots) {
        const q = promQueries(slot, version, windowMs);
        const [requests, errors, p95] = await Promise.all([
          scalar(q.requests),
          scalar(q.errors),
          scalar(q.p95),
        ]);
        const r = requests ?? 0;
        out[slot] = {
          requests: Math.round(r),
          errors: Math.round(errors ?? 0),
          errorRate: r > 0 ? (errors ?? 0) / r : null,
          p95Seconds: r > 0 ? p95 : null,
        };
      }
      return out;
    },
  };
}
