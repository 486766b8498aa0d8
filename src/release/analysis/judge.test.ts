import { wilcoxonRankSum } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { parseReleasePolicy } from '../policy.js';
import { judge } from './judge.js';
import { mannWhitney, twoProportion } from './statistics.js';
import type { MetricSample, SlotStats } from './window.js';

const { analysis } = parseReleasePolicy('strategy: canary');
const BOUNDS = [0.01, 0.02, 0.03, 0.05, 0.08, 0.1, 0.2, 0.5, 1, Number.POSITIVE_INFINITY];

/** Observations spread over the buckets around a median latency, as a real slot produces them. */
function latencies(n: number, medianSeconds: number): number[] {
  const counts = BOUNDS.map(() => 0);
  for (let i = 0; i < n; i++) {
    const v = medianSeconds * (0.6 + (0.8 * i) / n); // 0.6×–1.4× the median, evenly
    counts[BOUNDS.findIndex((b) => v <= b)]! += 1;
  }
  return counts;
}

function slot(opts: {
  requests: number;
  errors?: number;
  median?: number;
  p95?: number;
  bookings?: { total: number; bad: number };
  logins?: { total: number; bad: number };
  empty?: { total: number; bad: number };
}): SlotStats {
  const errors = opts.errors ?? 0;
  const m: Record<string, MetricSample> = {
    latency: { test: 'mann-whitney', bounds: BOUNDS, counts: latencies(opts.requests, opts.median ?? 0.04) },
    errors: { test: 'proportion', total: opts.requests, bad: errors },
    'car-bookings': { test: 'proportion', total: 0, bad: 0, ...opts.bookings },
    'login-failures': { test: 'proportion', total: 0, bad: 0, ...opts.logins },
    'empty-searches': { test: 'proportion', total: 0, bad: 0, ...opts.empty },
  };
  return {
    requests: opts.requests,
    errors,
    errorRate: errors / opts.requests,
    p95Seconds: opts.p95 ?? (opts.median ?? 0.04) * 1.4,
    metrics: m,
  };
}

const byName = (j: ReturnType<typeof judge>) => Object.fromEntries(j.metrics.map((m) => [m.name, m.result]));

describe('the judge’s tests', () => {
  it('Mann-Whitney U over buckets agrees with the rank sum of the observations themselves', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    for (let round = 0; round < 20; round++) {
      const a = BOUNDS.map(() => Math.floor(random() * 6));
      const b = BOUNDS.map(() => Math.floor(random() * 6));
      const expand = (counts: number[]) => counts.flatMap((c, i) => Array(c).fill(i));
      const [xa, xb] = [expand(a), expand(b)];
      if (!xa.length || !xb.length) continue;
      const u = xa.length * xb.length * mannWhitney(a, b).superiority;
      const rankSum = wilcoxonRankSum(xa, xb);
      expect(u).toBeCloseTo(rankSum - (xa.length * (xa.length + 1)) / 2, 6);
    }
  });

  it('Mann-Whitney: the same distribution is not worse; a shifted one is, with a small p', () => {
    const same = mannWhitney(latencies(500, 0.04), latencies(500, 0.04));
    expect(same.superiority).toBeCloseTo(0.5, 6);
    expect(same.p).toBeCloseTo(0.5, 2);
    const slower = mannWhitney(latencies(500, 0.056), latencies(500, 0.04));
    expect(slower.superiority).toBeGreaterThan(0.7);
    expect(slower.p).toBeLessThan(0.001);
    expect(mannWhitney(latencies(500, 0.04), latencies(500, 0.056)).p).toBeGreaterThan(0.999);
    expect(mannWhitney([0, 0], [5])).toMatchObject({ p: 1, canary: 0 });
  });

  it('two proportions: 10 of 100 against 0 of 100 is z ≈ 3.24', () => {
    const r = twoProportion({ bad: 10, total: 100 }, { bad: 0, total: 100 });
    expect(r.z).toBeCloseTo(3.244, 3);
    expect(r.p).toBeCloseTo(0.00059, 4);
    expect(twoProportion({ bad: 1, total: 100 }, { bad: 1, total: 100 }).p).toBeCloseTo(0.5, 6);
    expect(twoProportion({ bad: 5, total: 5 }, { bad: 0, total: 5 }).p).toBeLessThan(0.01);
  });
});

describe('judge(): canary against baseline', () => {
  it('passes a canary like its baseline, with every metric that has data', () => {
    const j = judge(slot({ requests: 300 }), slot({ requests: 2700 }), analysis);
    expect(j).toMatchObject({ verdict: 'pass', score: 100, reasons: [] });
    expect(byName(j)).toMatchObject({ latency: 'pass', errors: 'pass', 'car-bookings': 'no data' });
  });

  it('passes a good canary when the baseline is degraded too (slow and failing)', () => {
    const sick = { median: 0.6, p95: 0.9, errors: 0 };
    const j = judge(
      slot({ requests: 300, ...sick, errors: 24 }),
      slot({ requests: 2700, ...sick, errors: 216 }),
      analysis,
    );
    expect(j.verdict).toBe('pass');
  });

  it('fails a canary 40 % slower at the median, though its p95 is far under the fixed limit', () => {
    const j = judge(slot({ requests: 300, median: 0.056 }), slot({ requests: 2700, median: 0.04 }), analysis);
    expect(j.verdict).toBe('fail');
    expect(byName(j).latency).toBe('fail');
    expect(j.reasons.join()).toMatch(/latency: median \d+ ms against baseline's \d+ ms \(×1\.\d\d/);
  });

  it('passes a canary 10 % slower: significant, but under the effect-size floor', () => {
    const j = judge(
      slot({ requests: 3000, median: 0.044 }),
      slot({ requests: 3000, median: 0.04 }),
      analysis,
    );
    expect(byName(j).latency).toBe('pass');
  });

  it('passes a canary slower by less than the absolute floor (5 ms), however significant', () => {
    const j = judge(
      slot({ requests: 3000, median: 0.006 }),
      slot({ requests: 3000, median: 0.003 }),
      analysis,
    );
    expect(byName(j).latency).toBe('pass');
  });

  it('fails a canary that turns 10 % of bookings into 422, with no 5xx (a critical metric)', () => {
    const j = judge(
      slot({ requests: 300, bookings: { total: 100, bad: 10 } }),
      slot({ requests: 2700, bookings: { total: 900, bad: 4 } }),
      analysis,
    );
    expect(j.verdict).toBe('fail');
    expect(j.reasons[0]).toMatch(/^car-bookings: 10\.0 % bad \(10 of 100\) against baseline's 0\.4 %/);
  });

  it('fails a canary answering 30 % 5xx', () => {
    const j = judge(slot({ requests: 100, errors: 30 }), slot({ requests: 900 }), analysis);
    expect(j.verdict).toBe('fail');
    expect(j.reasons[0]).toMatch(/^errors: 30\.0 % bad/);
  });

  it('is marginal when only light metrics fail, and passes when one does', () => {
    const worse = { total: 200, bad: 100 };
    const fine = { total: 1800, bad: 90 };
    const marginal = judge(
      slot({ requests: 300, logins: worse, empty: worse }),
      slot({ requests: 2700, logins: fine, empty: fine }),
      analysis,
    );
    expect(marginal).toMatchObject({ verdict: 'marginal', score: 86 });
    const one = judge(slot({ requests: 300, empty: worse }), slot({ requests: 2700, empty: fine }), analysis);
    expect(one).toMatchObject({ verdict: 'pass', score: 92 });
    expect(one.reasons).toEqual([expect.stringMatching(/^empty-searches: 50\.0 % bad/)]);
  });

  it('waits on low traffic: too few canary requests, or too few samples of a required metric', () => {
    expect(judge(slot({ requests: 5, errors: 5 }), slot({ requests: 900 }), analysis)).toMatchObject({
      verdict: 'inconclusive',
      reasons: ['5 requests in the window, fewer than 20'],
    });
    const few = judge(slot({ requests: 30 }), slot({ requests: 900 }), analysis);
    expect(few.verdict).toBe('inconclusive');
    expect(few.reasons).toEqual([
      expect.stringMatching(/^latency: 30 canary and 900 baseline samples, fewer than 50/),
    ]);
    // Even so, a critical failure does not wait.
    expect(judge(slot({ requests: 30, errors: 20 }), slot({ requests: 900 }), analysis).verdict).toBe('fail');
  });

  it('without a baseline, judges the canary alone by the fixed thresholds', () => {
    expect(judge(slot({ requests: 100 }), null, analysis)).toMatchObject({ verdict: 'pass', score: null });
    const bad = judge(slot({ requests: 100, errors: 30, p95: 0.6 }), null, analysis);
    expect(bad).toMatchObject({
      verdict: 'fail',
      reasons: ['5xx ratio 30.0 % above 5.0 %', 'p95 600 ms above 500 ms'],
    });
  });
});
