import { describe, expect, it } from 'vitest';
import { loadReleasePolicy, PolicyError, parseReleasePolicy } from './policy.js';

function problems(text: string): string[] {
  try {
    parseReleasePolicy(text);
  } catch (err) {
    if (err instanceof PolicyError) return err.problems;
    throw err;
  }
  throw new Error('expected a PolicyError');
}

describe('release policy', () => {
  it('loads the committed policy with the plans’ thresholds', async () => {
    const policy = await loadReleasePolicy();
    expect(policy.strategy).toBe('canary');
    expect(policy.canary.steps.map((s) => s.weight)).toEqual([10, 50, 100]);
    expect(policy.canary.steps[0]!.pause).toBe(30_000);
    expect(policy.analysis.thresholds).toEqual({
      errorRate: 0.05,
      p95Seconds: 0.5,
      errorRateMargin: 0.02,
      p95MarginSeconds: 0.25,
    });
    expect(policy.analysis.window).toBe(30_000);
    expect(policy.blueGreen.holdOldSlot).toBe(600_000);
    expect(policy.slo).toEqual({ availability: 0.999, latencyThresholdSeconds: 0.3, latencyTarget: 0.95 });
  });

  it('fills defaults for a minimal file', () => {
    const policy = parseReleasePolicy('strategy: blueGreen');
    expect(policy.canary.steps.map((s) => s.weight)).toEqual([10, 50, 100]);
    expect(policy.analysis.failureLimit).toBe(1);
    expect(policy.readiness.timeout).toBe(60_000);
  });

  it.each([
    ['strategy: rolling', /^strategy:/],
    [
      'strategy: canary\ncanary:\n  steps: [{ weight: 50 }, { weight: 10 }, { weight: 100 }]',
      /canary.steps: step weights must rise/,
    ],
    [
      'strategy: canary\ncanary:\n  steps: [{ weight: 10 }, { weight: 50 }]',
      /canary.steps: the last step must reach weight 100/,
    ],
    ['strategy: canary\nanalysis:\n  interval: soon', /analysis.interval: expected a duration/],
    ['strategy: canary\nanalysis:\n  thresholds:\n    errorRate: 5', /analysis.thresholds.errorRate/],
    [
      'strategy: canary\nanalysis:\n  interval: 1m\n  window: 10s',
      /analysis.window: window must be at least/,
    ],
    ['strategy: canary\nanalyse: {}', /Unrecognized key/],
    ['strategy: [', /not valid YAML/],
  ])('names the problem in %j', (text, pattern) => {
    expect(problems(text).some((p) => pattern.test(p))).toBe(true);
  });
});
