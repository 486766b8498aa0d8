import type { ReleasePolicy } from '../policy.js';
import { errorRatioQuery, marginQuery, p95Query, type Selector } from './promql.js';
import type { SlotStats } from './window.js';

/**
 * The canary checks, once, for both engines: the single-host controller computes each `value`
 * from its window figures; the Argo Rollouts renderer writes each `query` into an AnalysisTemplate.
 * A sample fails when a value exceeds its threshold. A change to the decision is made here.
 */
export type Thresholds = ReleasePolicy['analysis']['thresholds'];

export interface Check {
  /** Argo metric name. */
  name: string;
  /** What is measured, in Prometheus terms, for people. */
  meaning: string;
  threshold(t: Thresholds): number;
  /** Checks that compare with stable are left out when stable had too little traffic (or none). */
  comparesWithStable: boolean;
  /** The value from one window's figures; null when there is nothing to compare. */
  value(canary: SlotStats, stable: SlotStats | null): number | null;
  /** The same value in PromQL, empty unless every slot involved saw minRequests requests. */
  query(canary: Selector, stable: Selector, policy: ReleasePolicy): string;
  /** Why the sample failed, for the release history and the webhook. */
  reason(value: number, threshold: number, canary: SlotStats, stable: SlotStats | null): string;
}

const pct = (r: number) => `${(r * 100).toFixed(1)} %`;
const ms = (s: number) => `${Math.round(s * 1000)} ms`;
const difference = (a: number | null, b: number | null | undefined) =>
  a === null || b === null || b === undefined ? null : a - b;

export const CHECKS: readonly Check[] = [
  {
    name: 'error-rate',
    meaning: 'share of requests answered 5xx over the window',
    threshold: (t) => t.errorRate,
    comparesWithStable: false,
    value: (c) => c.errorRate ?? 0,
    query: (c, _s, p) => errorRatioQuery(c, p),
    reason: (v, t) => `5xx ratio ${pct(v)} above ${pct(t)}`,
  },
  {
    name: 'p95-latency',
    meaning: '95th percentile latency in seconds over the window',
    threshold: (t) => t.p95Seconds,
    comparesWithStable: false,
    value: (c) => c.p95Seconds,
    query: (c, _s, p) => p95Query(c, p),
    reason: (v, t) => `p95 ${ms(v)} above ${ms(t)}`,
  },
  {
    name: 'error-rate-vs-stable',
    meaning: "canary's 5xx ratio minus stable's",
    threshold: (t) => t.errorRateMargin,
    comparesWithStable: true,
    value: (c, s) => difference(c.errorRate ?? 0, s?.errorRate ?? 0),
    query: (c, s, p) => marginQuery(errorRatioQuery, c, s, p),
    reason: (_v, t, c, s) =>
      `5xx ratio ${pct(c.errorRate ?? 0)} more than ${pct(t)} above stable's ${pct(s?.errorRate ?? 0)}`,
  },
  {
    name: 'p95-latency-vs-stable',
    meaning: "canary's p95 latency minus stable's, in seconds",
    threshold: (t) => t.p95MarginSeconds,
    comparesWithStable: true,
    value: (c, s) => difference(c.p95Seconds, s?.p95Seconds),
    query: (c, s, p) => marginQuery(p95Query, c, s, p),
    reason: (_v, t, c, s) =>
      `p95 ${ms(c.p95Seconds ?? 0)} more than ${ms(t)} above stable's ${ms(s?.p95Seconds ?? 0)}`,
  },
];

export type Verdict = 'pass' | 'fail' | 'inconclusive';

/** Pass, fail or inconclusive, with the reasons; `stable` is compared only when it had traffic. */
export function judge(
  canary: SlotStats,
  stable: SlotStats | null,
  analysis: Pick<ReleasePolicy['analysis'], 'minRequests' | 'thresholds'>,
): { verdict: Verdict; reasons: string[] } {
  if (canary.requests < analysis.minRequests) {
    return {
      verdict: 'inconclusive',
      reasons: [`${canary.requests} requests in the window, fewer than ${analysis.minRequests}`],
    };
  }
  const baseline = stable && stable.requests >= analysis.minRequests ? stable : null;
  const reasons: string[] = [];
  for (const check of CHECKS) {
    if (check.comparesWithStable && !baseline) continue;
    const value = check.value(canary, baseline);
    const threshold = check.threshold(analysis.thresholds);
    if (value !== null && value > threshold) reasons.push(check.reason(value, threshold, canary, baseline));
  }
  return { verdict: reasons.length ? 'fail' : 'pass', reasons };
}
