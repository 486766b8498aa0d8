import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { commandExists, runTool } from '../../../test/helpers/deploy.js';
import { DEFAULT_ROLLOUTS_DIR, renderK8s } from '../../cli/commands/release-k8s.js';
import { EXCLUDED_ROUTES } from '../analysis/promql.js';
import { loadReleasePolicy, parseReleasePolicy, type ReleasePolicy } from '../policy.js';
import { renderRolloutObjects } from './render-k8s.js';

type Metric = {
  name: string;
  interval: string;
  initialDelay: string;
  count?: number;
  failureLimit: number;
  inconclusiveLimit: number;
  successCondition: string;
  failureCondition: string;
  provider: { prometheus: { query: string } };
};

function metricsOf(policy: ReleasePolicy, template: string): Metric[] {
  const t = Object.values(renderRolloutObjects(policy))
    .flat()
    .find((o) => o.kind === 'AnalysisTemplate' && (o.metadata as { name: string }).name === template);
  if (!t) throw new Error(`no AnalysisTemplate ${template}`);
  return (t.spec as { metrics: Metric[] }).metrics;
}

const threshold = (condition: string) => Number(/result\[0\] [<>]=? ([\d.]+)$/.exec(condition)![1]);

describe('voyage release render-k8s', () => {
  it('has rendered the committed policy: deploy/k8s/rollouts matches the generator', async () => {
    const result = await renderK8s({ check: true });
    expect(result.files).toEqual([
      'analysis-templates.yaml',
      'kustomization.yaml',
      'rollout-api.yaml',
      'rollout-gateway.yaml',
    ]);
    expect({ changed: result.changed, stale: result.stale }).toEqual({ changed: [], stale: [] });
  });

  it('notices, and rewrites, a folder that differs from the policy', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'voyage-render-'));
    try {
      const outDir = path.join(dir, 'rollouts');
      await cp(DEFAULT_ROLLOUTS_DIR, outDir, { recursive: true });
      const policyFile = path.join(dir, 'policy.yaml');
      await writeFile(policyFile, 'strategy: canary\nanalysis:\n  thresholds:\n    errorRate: 0.01\n');
      await writeFile(path.join(outDir, 'old.yaml'), 'kind: Leftover\n');
      const check = await renderK8s({ policyFile, outDir, check: true });
      expect({ changed: check.changed, stale: check.stale }).toEqual({
        changed: ['analysis-templates.yaml'],
        stale: ['old.yaml'],
      });
      await renderK8s({ policyFile, outDir });
      const again = await renderK8s({ policyFile, outDir, check: true });
      expect({ changed: again.changed, stale: again.stale }).toEqual({ changed: [], stale: [] });
      expect(await readFile(path.join(outDir, 'analysis-templates.yaml'), 'utf8')).toContain(
        'result[0] <= 0.01',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('uses exactly the policy’s thresholds, interval, window, minRequests and failureLimit', async () => {
    const policy = await loadReleasePolicy();
    const metrics = metricsOf(policy, 'voyage-canary');
    const t = policy.analysis.thresholds;
    expect(Object.fromEntries(metrics.map((m) => [m.name, threshold(m.successCondition)]))).toEqual({
      'error-rate': t.errorRate,
      'p95-latency': t.p95Seconds,
      'error-rate-vs-stable': t.errorRateMargin,
      'p95-latency-vs-stable': t.p95MarginSeconds,
    });
    for (const m of metrics) {
      expect(threshold(m.failureCondition)).toBe(threshold(m.successCondition));
      expect(m.interval).toBe(`${policy.analysis.interval / 1000}s`);
      expect(m.initialDelay).toBe(`${policy.analysis.window / 1000}s`);
      expect(m.failureLimit).toBe(policy.analysis.failureLimit);
      expect(m.provider.prometheus.query).toContain(`[${policy.analysis.window / 1000}s]`);
      expect(m.provider.prometheus.query).toContain(`>= ${policy.analysis.minRequests})`);
      expect(m.provider.prometheus.query).toContain(`route!~"${EXCLUDED_ROUTES}"`);
    }
  });

  it('follows a changed policy: steps, pauses, thresholds, durations in ms', () => {
    const policy = parseReleasePolicy(`
strategy: canary
canary: { steps: [{ weight: 5, pause: 1m }, { weight: 25, pause: 1500ms }, { weight: 100 }] }
readiness: { timeout: 90s }
analysis: { interval: 500ms, window: 20s, minRequests: 7, failureLimit: 3, thresholds: { errorRate: 0.2, p95Seconds: 1.5 } }
`);
    const spec = renderRolloutObjects(policy)['rollout-api.yaml']![0]!.spec as {
      progressDeadlineSeconds: number;
      strategy: { canary: { steps: unknown[] } };
    };
    expect(spec.progressDeadlineSeconds).toBe(90);
    expect(spec.strategy.canary.steps).toEqual([
      { setWeight: 5 },
      { pause: { duration: '1m' } },
      { setWeight: 25 },
      { pause: { duration: '1500ms' } },
      { setWeight: 100 },
    ]);
    const metrics = metricsOf(policy, 'voyage-canary');
    expect(metrics.map((m) => [m.interval, m.failureLimit, m.inconclusiveLimit])).toEqual(
      Array(4).fill(['500ms', 3, 40]),
    );
    expect(threshold(metrics[0]!.successCondition)).toBe(0.2);
    expect(threshold(metrics[1]!.successCondition)).toBe(1.5);
    expect(metrics[0]!.provider.prometheus.query).toContain('[20s]');
    expect(metrics[0]!.provider.prometheus.query).toContain('>= 7)');
  });

  it('renders blue-green with a preview Service, a smoke Job before and analysis after promotion', () => {
    const policy = parseReleasePolicy(
      'strategy: blueGreen\nblueGreen: { postPromotionAnalysis: 60s, holdOldSlot: 10m }',
    );
    const files = renderRolloutObjects(policy);
    expect(Object.keys(files).sort()).toEqual([
      'analysis-templates.yaml',
      'preview.yaml',
      'rollout-api.yaml',
      'rollout-gateway.yaml',
    ]);
    const bg = (
      files['rollout-gateway.yaml']![0] as { spec: { strategy: { blueGreen: Record<string, never> } } }
    ).spec.strategy.blueGreen as Record<string, unknown>;
    expect(bg).toMatchObject({
      activeService: 'voyage-gateway',
      previewService: 'voyage-gateway-preview',
      scaleDownDelaySeconds: 600,
      prePromotionAnalysis: {
        templates: [{ templateName: 'voyage-preview-smoke' }],
        args: [{ name: 'url', value: 'http://voyage-gateway-preview:3000' }],
      },
    });
    // 60 s after promotion: the first sample after one 30 s window, then every 5 s.
    const post = metricsOf(policy, 'voyage-post-promotion');
    expect(post.map((m) => m.name)).toEqual(['error-rate', 'p95-latency']);
    expect(post.every((m) => m.count === 7 && m.initialDelay === '30s')).toBe(true);
    const noSmoke = renderRolloutObjects(
      parseReleasePolicy('strategy: blueGreen\nblueGreen: { previewSmoke: false }'),
    );
    expect(YAML.stringify(noSmoke)).not.toContain('smoke');
  });

  it.runIf(commandExists('promtool'))(
    'computes, in Prometheus, the values the thresholds are compared with',
    async () => {
      const policy = await loadReleasePolicy();
      const metrics = Object.fromEntries(metricsOf(policy, 'voyage-canary').map((m) => [m.name, m]));
      const fill = (q: string) =>
        q
          .replaceAll('{{args.namespace}}', 'shop')
          .replaceAll('{{args.role}}', 'api')
          .replaceAll('{{args.canary-hash}}', 'new')
          .replaceAll('{{args.stable-hash}}', 'old');
      const steps = 12;
      const stepSeconds = 5;
      // Per-5 s increments; the window (30 s) holds six of them.
      const series: string[] = [];
      const counter = (hash: string, route: string, status: string, perStep: number) =>
        series.push(
          `- series: 'http_requests_total{namespace="shop",role="api",rollouts_pod_template_hash="${hash}",method="GET",route="${route}",status_code="${status}"}'\n  values: '0+${perStep}x${steps}'`,
        );
      const histogram = (hash: string, fastPerStep: number, slowPerStep: number) => {
        for (const le of ['0.1', '0.2', '0.3', '0.5', '1', '2', '5', '10', '+Inf'])
          series.push(
            `- series: 'http_request_duration_seconds_bucket{namespace="shop",role="api",rollouts_pod_template_hash="${hash}",method="GET",route="/search",status_code="200",le="${le}"}'\n  values: '0+${Number(le) >= 1 || le === '+Inf' ? fastPerStep + slowPerStep : fastPerStep}x${steps}'`,
          );
      };
      // Canary: 18 fast + 2 slow (0.5–1 s) of 20 per step, 2 of them 5xx → 10 % errors, p95 0.75 s.
      counter('new', '/search', '200', 18);
      counter('new', '/search', '500', 2);
      histogram('new', 18, 2);
      // Stable: 1 of 20 errors (5 %), all fast → p95 0.095 s.
      counter('old', '/search', '200', 19);
      counter('old', '/search', '503', 1);
      histogram('old', 20, 0);
      // Probes hammer every pod; they must not count (and here would make 'quiet' look busy).
      counter('quiet', '/health/ready', '200', 100);
      counter('quiet', '/health', '500', 100);
      counter('quiet', '/search', '200', 3); // 18 in a window: under minRequests
      const expect1 = (expr: string, value: number | null) =>
        `- expr: '${expr.replaceAll("'", "''")}'\n  eval_time: ${steps * stepSeconds}s\n  exp_samples: ${value === null ? '[]' : `[{ labels: '{}', value: ${value} }]`}`;
      const canaryRatio = 0.1;
      const stableRatio = 0.05;
      const canaryP95 = 0.5 + ((0.95 * 120 - 108) / 12) * 0.5;
      const stableP95 = ((0.95 * 120) / 120) * 0.1;
      const q = (name: string) => fill(metrics[name]!.provider.prometheus.query);
      const tests = [
        expect1(q('error-rate'), canaryRatio),
        expect1(q('p95-latency'), canaryP95),
        expect1(q('error-rate-vs-stable'), canaryRatio - stableRatio),
        expect1(q('p95-latency-vs-stable'), canaryP95 - stableP95),
        expect1(q('error-rate').replaceAll('"new"', '"quiet"'), null),
        expect1(q('p95-latency').replaceAll('"new"', '"quiet"'), null),
        expect1(q('error-rate-vs-stable').replaceAll('"old"', '"quiet"'), null),
      ];
      const file = [
        'rule_files: []',
        `evaluation_interval: ${stepSeconds}s`,
        'tests:',
        `  - interval: ${stepSeconds}s`,
        '    input_series:',
        ...series.map((s) => s.replace(/^/gm, '      ')),
        '    promql_expr_test:',
        ...tests.map((t) => t.replace(/^/gm, '      ')),
      ].join('\n');
      const dir = await mkdtemp(path.join(os.tmpdir(), 'voyage-promql-'));
      try {
        await writeFile(path.join(dir, 'analysis.test.yaml'), file);
        const result = await runTool('promtool', ['test', 'rules', 'analysis.test.yaml'], dir);
        expect(result.stdout + result.stderr).toContain('SUCCESS');
        expect(result.code).toBe(0);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      // With these values the canary fails on every check.
      expect(canaryRatio).toBeGreaterThan(policy.analysis.thresholds.errorRate);
      expect(canaryP95).toBeGreaterThan(policy.analysis.thresholds.p95Seconds);
      expect(canaryRatio - stableRatio).toBeGreaterThan(policy.analysis.thresholds.errorRateMargin);
      expect(canaryP95 - stableP95).toBeGreaterThan(policy.analysis.thresholds.p95MarginSeconds);
    },
  );
});
