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
    expect(policy.analysis.thresholds).toEqual({ errorRate: 0.05, p95Seconds: 0.5 });
    expect(policy.analysis.judge).toEqual({ pass: 90, marginal: 70 });
    expect(policy.analysis.window).toBe(30_000);
    expect(policy.blueGreen.holdOldSlot).toBe(600_000);
    expect(policy.slo).toEqual({ availability: 0.999, latencyThresholdSeconds: 0.3, latencyTarget: 0.95 });
  });

  it('spells out the same judged metrics as a policy that names none', async () => {
    const committed = (await loadReleasePolicy()).analysis.metrics;
    expect(committed).toEqual(parseReleasePolicy('strategy: canary').analysis.metrics);
    expect(committed.map((m) => [m.name, m.test, m.critical, m.required])).toEqual([
      ['latency', 'mann-whitney', false, true],
      ['errors', 'proportion', true, true],
      ['car-bookings', 'proportion', true, false],
      ['stay-bookings', 'proportion', true, false],
      ['flight-bookings', 'proportion', true, false],
      ['empty-searches', 'proportion', false, false],
      ['login-failures', 'proportion', false, false],
    ]);
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
    [
      'strategy: canary\nanalysis:\n  metrics: [{ name: x, test: proportion, weight: 1, bad: {} }]',
      /analysis.metrics.0.bad: bad needs at least one label/,
    ],
    [
      'strategy: canary\nanalysis:\n  metrics: [{ name: x, test: mann-whitney, weight: 1 }]',
      /analysis.metrics: at least one metric must be required/,
    ],
    [
      'strategy: canary\nanalysis:\n  metrics: [{ name: x, test: proportion, weight: 1, required: true, bad: { status_code: "5(" } }]',
      /analysis.metrics.0.bad.status_code: a regular expression/,
    ],
    ['strategy: canary\nanalysis:\n  judge: { pass: 50, marginal: 80 }', /analysis.judge.marginal/],
    ['strategy: [', /not valid YAML/],
  ])('names the problem in %j', (text, pattern) => {
    expect(problems(text).some((p) => pattern.test(p))).toBe(true);
  });
});
