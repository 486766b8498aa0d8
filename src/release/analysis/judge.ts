import type { JudgedMetric, ReleasePolicy } from '../policy.js';
import { mannWhitney, twoProportion } from './statistics.js';
import { type MetricSample, quantile, type SlotStats } from './window.js';

/**
 * The release judge, once, for both engines: the single-host controller calls judge() on its
 * window figures; on Kubernetes an Argo Rollouts analysis Job runs `voyage release judge`, which
 * fetches the same figures from Prometheus and calls the same function.
 *
 * As in Kayenta, the canary is compared with the baseline (the live version) over the same
 * window: each metric of the policy is tested (Mann-Whitney U on latency, a two-proportion test
 * on failure shares), fails only when the canary is worse both significantly (p below alpha) and
 * by more than the metric's effect-size floor, and has no data while either side has fewer than
 * its minimum samples. The score is the weighted share of passed metrics among those with data.
 * A required metric without data makes the whole judgement inconclusive: not enough data never
 * passes. A failed critical metric fails the release whatever the score.
 *
 * Without a baseline to compare with (blue-green after the switch, or a live slot with no
 * traffic), the policy's fixed thresholds judge the canary alone.
 */
export type Verdict = 'pass' | 'marginal' | 'fail' | 'inconclusive';

export interface MetricVerdict {
  name: string;
  result: 'pass' | 'fail' | 'no data';
  weight: number;
  critical: boolean;
  /** One line for people: the two sides' figures and the test's outcome. */
  detail: string;
  p?: number;
}

export interface Judgement {
  verdict: Verdict;
  /** 0–100; null when nothing had data or the fixed thresholds judged. */
  score: number | null;
  reasons: string[];
  metrics: MetricVerdict[];
}

type Analysis = Pick<ReleasePolicy['analysis'], 'minRequests' | 'thresholds' | 'judge' | 'metrics'>;

const pct = (r: number) => `${(r * 100).toFixed(1)} %`;
const ms = (s: number | null) => (s === null ? '–' : `${Math.round(s * 1000)} ms`);
const pValue = (p: number) => (p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);

function median(sample: Extract<MetricSample, { test: 'mann-whitney' }>): number | null {
  const cumulative = new Map<number, number>();
  let sum = 0;
  sample.bounds.forEach((b, i) => {
    sum += sample.counts[i] ?? 0;
    cumulative.set(b, sum);
  });
  return quantile(0.5, cumulative);
}

function judgeMetric(m: JudgedMetric, canary: MetricSample | undefined, baseline: MetricSample | undefined) {
  const base = { name: m.name, weight: m.weight, critical: m.critical };
  if (m.test === 'mann-whitney') {
    if (canary?.test !== 'mann-whitney' || baseline?.test !== 'mann-whitney')
      return { ...base, result: 'no data' as const, detail: 'no samples' };
    const r = mannWhitney(canary.counts, baseline.counts);
    if (r.canary < m.minSamples || r.baseline < m.minSamples)
      return {
        ...base,
        result: 'no data' as const,
        detail: `${r.canary} canary and ${r.baseline} baseline samples, fewer than ${m.minSamples}`,
      };
    const c = median(canary);
    const b = median(baseline);
    const ratio = c !== null && b !== null && b > 0 ? c / b : 1;
    const slower = c !== null && b !== null ? c - b : 0;
    const worse = r.p < m.alpha && ratio >= m.effect && slower >= m.minDifferenceSeconds;
    return {
      ...base,
      result: worse ? ('fail' as const) : ('pass' as const),
      p: r.p,
      detail: `median ${ms(c)} against baseline's ${ms(b)} (×${ratio.toFixed(2)}, floor ×${m.effect}; ${pValue(r.p)})`,
    };
  }
  if (canary?.test !== 'proportion' || baseline?.test !== 'proportion')
    return { ...base, result: 'no data' as const, detail: 'no samples' };
  if (canary.total < m.minSamples || baseline.total < m.minSamples)
    return {
      ...base,
      result: 'no data' as const,
      detail: `${canary.total} canary and ${baseline.total} baseline samples, fewer than ${m.minSamples}`,
    };
  const r = twoProportion(canary, baseline);
  const worse = r.p < m.alpha && r.canaryShare - r.baselineShare >= m.effect;
  return {
    ...base,
    result: worse ? ('fail' as const) : ('pass' as const),
    p: r.p,
    detail: `${pct(r.canaryShare)} bad (${canary.bad} of ${canary.total}) against baseline's ${pct(r.baselineShare)} (floor +${pct(m.effect)}; ${pValue(r.p)})`,
  };
}

/** The canary alone against fixed limits: used when there is no baseline to compare with. */
function judgeAlone(canary: SlotStats, analysis: Analysis): Judgement {
  const t = analysis.thresholds;
  const reasons: string[] = [];
  if ((canary.errorRate ?? 0) > t.errorRate)
    reasons.push(`5xx ratio ${pct(canary.errorRate ?? 0)} above ${pct(t.errorRate)}`);
  if (canary.p95Seconds !== null && canary.p95Seconds > t.p95Seconds)
    reasons.push(`p95 ${ms(canary.p95Seconds)} above ${ms(t.p95Seconds)}`);
  return { verdict: reasons.length ? 'fail' : 'pass', score: null, reasons, metrics: [] };
}

export function judge(canary: SlotStats, baseline: SlotStats | null, analysis: Analysis): Judgement {
  if (canary.requests < analysis.minRequests) {
    return {
      verdict: 'inconclusive',
      score: null,
      reasons: [`${canary.requests} requests in the window, fewer than ${analysis.minRequests}`],
      metrics: [],
    };
  }
  if (!baseline || baseline.requests === 0) return judgeAlone(canary, analysis);

  const metrics: MetricVerdict[] = analysis.metrics.map((m) =>
    judgeMetric(m, canary.metrics?.[m.name], baseline.metrics?.[m.name]),
  );
  const judged = metrics.filter((m) => m.result !== 'no data');
  const weight = (ms: MetricVerdict[]) => ms.reduce((a, m) => a + m.weight, 0);
  const score = judged.length
    ? Math.round((100 * weight(judged.filter((m) => m.result === 'pass'))) / weight(judged))
    : null;
  const failed = metrics.filter((m) => m.result === 'fail');
  const reasons = failed.map((m) => `${m.name}: ${m.detail}`);

  const missing = analysis.metrics.filter(
    (m) => m.required && metrics.find((v) => v.name === m.name)?.result === 'no data',
  );
  if (failed.some((m) => m.critical)) return { verdict: 'fail', score, reasons, metrics };
  if (missing.length || score === null) {
    const why = missing.map((m) => `${m.name}: ${metrics.find((v) => v.name === m.name)!.detail}`);
    return { verdict: 'inconclusive', score, reasons: [...why, ...reasons], metrics };
  }
  if (score < analysis.judge.marginal)
    return {
      verdict: 'fail',
      score,
      reasons: [`score ${score} below ${analysis.judge.marginal}`, ...reasons],
      metrics,
    };
  if (score < analysis.judge.pass)
    return {
      verdict: 'marginal',
      score,
      reasons: [`score ${score} below ${analysis.judge.pass}`, ...reasons],
      metrics,
    };
  return { verdict: 'pass', score, reasons, metrics };
}
