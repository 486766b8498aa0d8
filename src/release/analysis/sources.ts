import {
  add,
  type Cumulative,
  cumulativeFromText,
  delta,
  emptyCumulative,
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
