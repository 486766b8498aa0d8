import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { parseReleasePolicy } from '../policy.js';
import { CHECKS, judge } from './checks.js';
import { parsePromText } from './prom-text.js';
import { createScrapeSource, promQueries } from './sources.js';
import { cumulativeFromText, delta, quantile, statsOf } from './window.js';

const analysis = parseReleasePolicy('strategy: canary\nanalysis: { minRequests: 20 }').analysis;

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

  it('judges a canary against the thresholds and the stable slot', () => {
    const stable = { requests: 1000, errors: 0, errorRate: 0, p95Seconds: 0.05 };
    expect(judge({ requests: 5, errors: 5, errorRate: 1, p95Seconds: 1 }, stable, analysis)).toEqual({
      verdict: 'inconclusive',
      reasons: ['5 requests in the window, fewer than 20'],
    });
    expect(
      judge({ requests: 100, errors: 1, errorRate: 0.01, p95Seconds: 0.1 }, stable, analysis).verdict,
    ).toBe('pass');
    const bad = judge({ requests: 100, errors: 30, errorRate: 0.3, p95Seconds: 0.6 }, stable, analysis);
    expect(bad.verdict).toBe('fail');
    expect(bad.reasons).toEqual([
      '5xx ratio 30.0 % above 5.0 %',
      'p95 600 ms above 500 ms',
      "5xx ratio 30.0 % more than 2.0 % above stable's 0.0 %",
      "p95 600 ms more than 250 ms above stable's 50 ms",
    ]);
    // Under the absolute thresholds, but clearly worse than stable.
    const worse = judge({ requests: 100, errors: 4, errorRate: 0.04, p95Seconds: 0.45 }, stable, analysis);
    expect(worse.reasons).toEqual([
      "5xx ratio 4.0 % more than 2.0 % above stable's 0.0 %",
      "p95 450 ms more than 250 ms above stable's 50 ms",
    ]);
    // A stable slot without enough traffic is no baseline.
    expect(
      judge(
        { requests: 100, errors: 4, errorRate: 0.04, p95Seconds: 0.45 },
        { ...stable, requests: 3 },
        analysis,
      ).verdict,
    ).toBe('pass');
  });

  it('writes PromQL over the slot and version target labels, leaving probes out', () => {
    const q = promQueries('green', '1.2.0', 30_000);
    expect(q.requests).toBe(
      'sum(increase(http_requests_total{slot="green",version="1.2.0",route!~"/health.*|/metrics"}[30s]))',
    );
    expect(q.errors).toContain('status_code=~"5.."');
    expect(q.p95).toBe(
      'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{slot="green",version="1.2.0",route!~"/health.*|/metrics"}[30s])))',
    );
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
});

describe('one list of checks', () => {
  it('gives each check a name, a Prometheus meaning, a threshold, a window value and a PromQL query', () => {
    const policy = parseReleasePolicy('strategy: canary');
    const sel = { namespace: 'ns', role: 'api', podTemplateHash: 'h' };
    const c = { requests: 100, errors: 10, errorRate: 0.1, p95Seconds: 0.4 };
    const s = { requests: 100, errors: 2, errorRate: 0.02, p95Seconds: 0.1 };
    expect(
      CHECKS.map((k) => [
        k.name,
        k.threshold(policy.analysis.thresholds),
        k.value(c, s),
        k.meaning.length > 0,
      ]),
    ).toEqual([
      ['error-rate', 0.05, 0.1, true],
      ['p95-latency', 0.5, 0.4, true],
      ['error-rate-vs-stable', 0.02, 0.1 - 0.02, true],
      ['p95-latency-vs-stable', 0.25, 0.4 - 0.1, true],
    ]);
    for (const k of CHECKS) expect(k.query(sel, sel, policy)).toContain('rollouts_pod_template_hash="h"');
  });
});
