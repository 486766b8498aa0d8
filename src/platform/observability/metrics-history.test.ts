import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';
import { createMetricsHistory, quantileOfBuckets } from './metrics-history.js';

function fixture(capacity = 360) {
  let at = Date.parse('2026-12-07T10:00:00Z');
  const metrics = createMetrics();
  const history = createMetricsHistory(metrics, { now: () => at, capacity });
  const request = (route: string, status: number, seconds: number) => {
    const labels = { method: 'GET', route, status_code: String(status) };
    metrics.httpTotal.inc(labels);
    metrics.httpDuration.observe(labels, seconds);
  };
  return { metrics, history, request, advance: (ms: number) => (at += ms), now: () => at };
}

describe('in-process metrics history', () => {
  it('turns counter and histogram deltas into rate, 5xx share and p95 per interval', async () => {
    const f = fixture();
    await f.history.tick(); // baseline
    for (let i = 0; i < 18; i++) f.request('/cars', 200, 0.02);
    f.request('/cars', 500, 0.02);
    f.request('/cars/:id', 200, 1.2);
    f.advance(10_000);
    await f.history.tick();
    const [p] = f.history.points();
    expect(p).toMatchObject({ at: f.now(), requestsPerSecond: 2 });
    expect(p!.errorRatio).toBeCloseTo(0.05, 9);
    // Rank 19 of 20 falls in the (0.016, 0.02] bucket, where all 19 fast requests are.
    expect(p!.p95Seconds).toBeGreaterThan(0.016);
    expect(p!.p95Seconds).toBeLessThanOrEqual(0.02);

    // The next interval counts only what happened in it.
    f.request('/cars', 503, 0.5);
    f.advance(10_000);
    await f.history.tick();
    expect(f.history.points()[1]).toMatchObject({ requestsPerSecond: 0.1, errorRatio: 1 });
  });

  it('leaves the probes out and reports no ratio for an interval without requests', async () => {
    const f = fixture();
    await f.history.tick();
    f.request('/health/ready', 503, 0.01);
    f.request('/metrics', 200, 0.01);
    f.advance(10_000);
    await f.history.tick();
    expect(f.history.points()).toEqual([
      { at: f.now(), requestsPerSecond: 0, errorRatio: null, p95Seconds: null },
    ]);
  });

  it('keeps the newest points in a ring of fixed size, oldest first, within the asked window', async () => {
    const f = fixture(3);
    await f.history.tick();
    for (let i = 1; i <= 5; i++) {
      for (let j = 0; j < i; j++) f.request('/cars', 200, 0.01);
      f.advance(10_000);
      await f.history.tick();
    }
    expect(f.history.points().map((p) => p.requestsPerSecond * 10)).toEqual([3, 4, 5]);
    expect(f.history.points(15_000).map((p) => p.requestsPerSecond * 10)).toEqual([4, 5]);
    f.advance(60 * 60_000);
    expect(f.history.points(60 * 60_000)).toEqual([]);
  });

  it('counts from zero after a counter reset and ignores a clock that did not move', async () => {
    const f = fixture();
    for (let i = 0; i < 10; i++) f.request('/cars', 200, 0.01);
    await f.history.tick();
    await f.history.tick(); // same instant: no point
    expect(f.history.points()).toEqual([]);
    f.metrics.httpTotal.reset();
    f.metrics.httpDuration.reset();
    f.request('/cars', 200, 0.01);
    f.advance(5_000);
    await f.history.tick();
    expect(f.history.points()).toMatchObject([{ requestsPerSecond: 0.2, errorRatio: 0 }]);
  });

  it('samples on an unref’d timer until stopped', async () => {
    const f = fixture();
    f.history.start();
    expect(f.history.started).toBe(true);
    await f.history.stop();
    expect(f.history.started).toBe(false);
  });

  it('estimates quantiles as histogram_quantile() does', () => {
    const b = new Map([
      [0.1, 50],
      [0.2, 90],
      [0.5, 100],
      [Number.POSITIVE_INFINITY, 100],
    ]);
    expect(quantileOfBuckets(0.5, b)).toBeCloseTo(0.1, 9);
    expect(quantileOfBuckets(0.7, b)).toBeCloseTo(0.15, 9);
    expect(quantileOfBuckets(0.95, b)).toBeCloseTo(0.35, 9);
    expect(quantileOfBuckets(0.95, new Map([[Number.POSITIVE_INFINITY, 0]]))).toBeNull();
    // Beyond the highest finite bound: that bound.
    expect(
      quantileOfBuckets(
        0.99,
        new Map([
          [1, 1],
          [Number.POSITIVE_INFINITY, 10],
        ]),
      ),
    ).toBe(1);
  });
});
