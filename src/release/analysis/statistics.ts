import { errorFunction } from 'simple-statistics';

/**
 * The two tests the release judge runs, as Kayenta's classifier does: Mann-Whitney U on latency
 * and a two-proportion z-test on failure shares. Both are one-sided ("is the canary worse than
 * the baseline?") and use the normal approximation, which holds at the sample sizes the policy
 * requires before it judges at all.
 */

/** P(Z ≤ z) for a standard normal Z. */
export function normalCdf(z: number): number {
  return 0.5 * (1 + errorFunction(z / Math.SQRT2));
}

/**
 * Latencies grouped in histogram buckets: `counts[i]` observations fell in bucket i, buckets in
 * rising order, the same bounds on both sides. Observations in one bucket are ties.
 */
export interface MannWhitneyResult {
  canary: number;
  baseline: number;
  /** P(a canary observation is slower than a baseline one), ties counting half: 0.5 is "the same". */
  superiority: number;
  z: number;
  /** One-sided p-value for "the canary is slower". */
  p: number;
}

export function mannWhitney(canary: readonly number[], baseline: readonly number[]): MannWhitneyResult {
  const n1 = canary.reduce((a, b) => a + b, 0);
  const n2 = baseline.reduce((a, b) => a + b, 0);
  if (n1 === 0 || n2 === 0) return { canary: n1, baseline: n2, superiority: 0.5, z: 0, p: 1 };
  // U counts the (canary, baseline) pairs where the canary observation is the larger one.
  let u = 0;
  let below = 0;
  let tieTerm = 0;
  for (let i = 0; i < Math.max(canary.length, baseline.length); i++) {
    const c = canary[i] ?? 0;
    const b = baseline[i] ?? 0;
    u += c * (below + b / 2);
    below += b;
    const t = c + b;
    tieTerm += t * t * t - t;
  }
  const n = n1 + n2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  const z = variance > 0 ? (u - mean) / Math.sqrt(variance) : 0;
  return { canary: n1, baseline: n2, superiority: u / (n1 * n2), z, p: 1 - normalCdf(z) };
}

export interface ProportionResult {
  canaryShare: number;
  baselineShare: number;
  z: number;
  /** One-sided p-value for "the canary's share of bad outcomes is higher". */
  p: number;
}

export function twoProportion(
  canary: { bad: number; total: number },
  baseline: { bad: number; total: number },
): ProportionResult {
  const p1 = canary.total > 0 ? canary.bad / canary.total : 0;
  const p2 = baseline.total > 0 ? baseline.bad / baseline.total : 0;
  const pooled = (canary.bad + baseline.bad) / (canary.total + baseline.total || 1);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / (canary.total || 1) + 1 / (baseline.total || 1)));
  const z = se > 0 ? (p1 - p2) / se : p1 > p2 ? Number.POSITIVE_INFINITY : 0;
  return { canaryShare: p1, baselineShare: p2, z, p: Number.isFinite(z) ? 1 - normalCdf(z) : 0 };
}
