import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { parseReleasePolicy } from '../policy.js';
import { parsePromText } from './prom-text.js';
import { createScrapeSource, promQueries, slotSelector } from './sources.js';
import { cumulativeFromText, delta, quantile, statsOf } from './window.js';

const { metrics } = parseReleasePolicy('strategy: canary').analysis;

/** A /metrics page as prom-client writes it: one route's counter and histogram, plus probes. */
function page(ok: number, errors: number, buckets: [string, number][]) {
  const lines = [
    '# HELP http_requests_total HTTP requests',
    '# TYPE http_requests_total counter',
    `http_requests_total{method="GET",route="/search",status_code="200"} ${ok}`,
    `http_requests_total{method="GET",route="/search",status_code="500"} ${errors}`,
    'http_requests_total{method="GET",route="/health/ready",status_code="503"} 400',
    'http_requests_total{method="GET",route="/metrics",status_code="200"} 9',
    ...buckets.map(
      ([le, n]) =>
        `http_request_duration_seconds_bucket{le="${le}",method="GET",route="/search",status_code="200"} ${n}`,
    ),
    'http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/health/ready",status_code="503"} 400',
  ];
  return `${lines.join('\n')}\n`;
}

describe('analysis figures', () => {
  it('parses exposition lines with escaped label values and special numbers', () => {
    const samples = parsePromText(
      'a_total{path="x\\"y\\\\z",b="1"} 3 1700000000\nc +Inf\n# HELP c c\nd{} NaN',
    );
    expect(samples[0]).toEqual({ name: 'a_total', labels: { path: 'x"y\\z', b: '1' }, value: 3 });
    expect(samples[1]!.value).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isNaN(samples[2]!.value)).toBe(true);
  });

  it('sums real traffic and leaves probes and scrapes out', () => {
    const c = cumulativeFromText(
      page(90, 10, [
        ['0.1', 50],
        ['0.5', 95],
        ['+Inf', 100],
      ]),
    );
    expect(c.requests).toBe(100);
    expect(c.errors).toBe(10);
    expect(c.buckets.get(Number.POSITIVE_INFINITY)).toBe(100);
  });

  it('computes quantiles the way histogram_quantile() does', () => {
    const b = new Map([
      [0.1, 50],
      [0.2, 90],
      [0.5, 100],
      [Number.POSITIVE_INFINITY, 100],
    ]);
    expect(quantile(0.95, b)).toBeCloseTo(0.35, 10);
    expect(quantile(0.5, b)).toBeCloseTo(0.1, 10);
    expect(quantile(0.25, b)).toBeCloseTo(0.05, 10);
    // In the +Inf bucket: the highest finite bound.
    expect(
      quantile(
        0.99,
        new Map([
          [0.1, 10],
          [Number.POSITIVE_INFINITY, 100],
        ]),
      ),
    ).toBe(0.1);
    expect(quantile(0.95, new Map())).toBeNull();
  });

  it('takes deltas like increase(): a counter that went down restarted from zero', () => {
    const a = cumulativeFromText(page(90, 10, [['+Inf', 100]]));
    const b = cumulativeFromText(page(180, 30, [['+Inf', 210]]));
    expect(statsOf(delta(a, b))).toMatchObject({ requests: 110, errors: 20 });
    const restarted = cumulativeFromText(page(5, 0, [['+Inf', 5]]));
    expect(statsOf(delta(b, restarted))).toMatchObject({ requests: 5, errors: 0 });
  });

  it('collects the judged metrics: latency buckets, booking outcomes, empty searches', () => {
    const text = [
      ...['0.05', '0.1', '+Inf'].map(
        (le, i) =>
          `http_request_duration_seconds_bucket{le="${le}",method="POST",route="/bookings",status_code="201"} ${[3, 8, 10][i]}`,
      ),
      'http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/health",status_code="200"} 50',
      'http_requests_total{method="POST",route="/bookings",status_code="201"} 10',
      'http_requests_total{method="POST",route="/bookings",status_code="422"} 2',
      'http_requests_total{method="POST",route="/bookings",status_code="409"} 1',
      'http_requests_total{method="GET",route="/bookings",status_code="500"} 4',
      'voyage_searches_total{outcome="results"} 7',
      'voyage_searches_total{outcome="empty"} 3',
      'voyage_searches_total{outcome="cache_hit"} 90',
    ].join('\n');
    const s = statsOf(cumulativeFromText(text, metrics), metrics);
    expect(s.metrics).toMatchObject({
      latency: { test: 'mann-whitney', bounds: [0.05, 0.1, Number.POSITIVE_INFINITY], counts: [3, 5, 2] },
      errors: { test: 'proportion', total: 17, bad: 4 },
      'car-bookings': { test: 'proportion', total: 13, bad: 3 },
      'stay-bookings': { test: 'proportion', total: 0, bad: 0 },
      'empty-searches': { test: 'proportion', total: 10, bad: 3 },
    });
  });

  it('writes PromQL over the slot and version target labels, leaving probes out', () => {
    const q = promQueries(slotSelector('green', '1.2.0'), 30_000, metrics);
    const sel = 'slot="green",version="1.2.0",route!~"/health|/health/ready|/metrics"';
    expect(q.requests).toBe(`sum(increase(http_requests_total{${sel}}[30s]))`);
    expect(q.errors).toContain('status_code=~"5.."');
    expect(q.p95).toBe(
      `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${sel}}[30s])))`,
    );
    const byName = Object.fromEntries(q.metrics.map((m) => [m.metric.name, m]));
    expect(byName.latency).toEqual({
      metric: metrics[0],
      kind: 'buckets',
      buckets: `sum by (le) (increase(http_request_duration_seconds_bucket{${sel}}[30s]))`,
    });
    expect(byName['car-bookings']).toMatchObject({
      kind: 'proportion',
      total: `sum(increase(http_requests_total{${sel},method=~"POST",route=~"/bookings"}[30s]))`,
      bad: `sum(increase(http_requests_total{${sel},method=~"POST",route=~"/bookings",status_code=~"[45].."}[30s]))`,
    });
  });
});

describe('scraping source', () => {
  const counts = { a: { ok: 0, errors: 0 }, b: { ok: 0, errors: 0 } };
  const servers: http.Server[] = [];
  const serve = async (c: { ok: number; errors: number }) => {
    const server = http.createServer((_req, res) => {
      const n = c.ok + c.errors;
      res.end(
        page(c.ok, c.errors, [
          ['0.1', n],
          ['+Inf', n],
        ]),
      );
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };
  afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

  it('sums a slot’s replicas over the window and skips a replica that is down', async () => {
    const ports = [await serve(counts.a), await serve(counts.b)];
    const source = createScrapeSource(60_000);
    const slots = [{ slot: 'green' as const, version: '2', ports: [...ports, 1] }];
    expect((await source.sample(slots)).green).toMatchObject({ requests: 0 });
    counts.a.ok += 40;
    counts.b.ok += 50;
    counts.b.errors += 10;
    const s = (await source.sample(slots)).green!;
    expect(s).toMatchObject({ requests: 100, errors: 10, errorRate: 0.1 });
    expect(s.p95Seconds).toBeCloseTo(0.095, 10);
  });

  it('forgets traffic older than the window', async () => {
    const c = { ok: 0, errors: 0 };
    const port = await serve(c);
    const source = createScrapeSource(150);
    const slots = [{ slot: 'blue' as const, version: '1', ports: [port] }];
    await source.sample(slots);
    c.errors += 50;
    expect((await source.sample(slots)).blue).toMatchObject({ requests: 50, errors: 50 });
    await new Promise((r) => setTimeout(r, 200));
    c.ok += 30;
    await source.sample(slots);
    await new Promise((r) => setTimeout(r, 200));
    c.ok += 20;
    expect((await source.sample(slots)).blue).toMatchObject({ requests: 20, errors: 0 });
  });

  it('with `since`, leaves out the traffic from before it (a warm-up), within the window', async () => {
    const c = { ok: 0, errors: 0 };
    const port = await serve(c);
    const source = createScrapeSource(60_000);
    const slots = [{ slot: 'green' as const, version: '3', ports: [port] }];
    await source.sample(slots);
    c.errors += 30; // the cold start's slow or failed answers
    await source.sample(slots);
    const since = Date.now();
    await new Promise((r) => setTimeout(r, 20));
    c.ok += 40;
    expect((await source.sample(slots, { since })).green).toMatchObject({ requests: 40, errors: 0 });
    // Without it, the window still holds the warm-up.
    expect((await source.sample(slots)).green).toMatchObject({ requests: 70, errors: 30 });
  });
});
