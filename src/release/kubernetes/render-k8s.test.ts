import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { commandExists, runTool } from '../../../test/helpers/deploy.js';
import { addJudgeCommand } from '../../cli/commands/release-judge.js';
import { DEFAULT_ROLLOUTS_DIR, renderK8s } from '../../cli/commands/release-k8s.js';
import { promQueries } from '../analysis/sources.js';
import { loadReleasePolicy, parseReleasePolicy, type ReleasePolicy } from '../policy.js';
import { renderRolloutObjects } from './render-k8s.js';

type Metric = {
  name: string;
  interval: string;
  initialDelay: string;
  count?: number;
  failureLimit: number;
  provider: { job: { spec: { template: { spec: { containers: { args: string[] }[] } } } } };
};

const jobArgs = (m: Metric) => m.provider.job.spec.template.spec.containers[0]!.args;
const option = (args: string[], name: string) => args[args.indexOf(name) + 1];

function metricsOf(policy: ReleasePolicy, template: string): Metric[] {
  const t = Object.values(renderRolloutObjects(policy))
    .flat()
    .find((o) => o.kind === 'AnalysisTemplate' && (o.metadata as { name: string }).name === template);
  if (!t) throw new Error(`no AnalysisTemplate ${template}`);
  return (t.spec as { metrics: Metric[] }).metrics;
}

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
      await writeFile(policyFile, 'strategy: canary\nanalysis:\n  window: 45s\n');
      await writeFile(path.join(outDir, 'old.yaml'), 'kind: Leftover\n');
      const check = await renderK8s({ policyFile, outDir, check: true });
      expect({ changed: check.changed, stale: check.stale }).toEqual({
        changed: ['analysis-templates.yaml'],
        stale: ['old.yaml'],
      });
      await renderK8s({ policyFile, outDir });
      const again = await renderK8s({ policyFile, outDir, check: true });
      expect({ changed: again.changed, stale: again.stale }).toEqual({ changed: [], stale: [] });
      expect(await readFile(path.join(outDir, 'analysis-templates.yaml'), 'utf8')).toContain('interval: 45s');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('runs the judge as a Job: `voyage release judge`, canary against stable, by the policy’s window', async () => {
    const policy = await loadReleasePolicy();
    const metrics = metricsOf(policy, 'voyage-canary');
    expect(metrics.map((m) => m.name)).toEqual(['judge']);
    const m = metrics[0]!;
    expect(m.interval).toBe(`${policy.analysis.window / 1000}s`);
    expect(m.initialDelay).toBe(`${policy.analysis.window / 1000}s`);
    expect(m.failureLimit).toBe(policy.analysis.failureLimit);
    const args = jobArgs(m);
    expect(args.slice(0, 2)).toEqual(['release', 'judge']);
    expect(option(args, '--prometheus')).toBe('http://prometheus-operated.monitoring.svc:9090');
    expect(option(args, '--canary')).toBe(
      'namespace="{{args.namespace}}",role="{{args.role}}",rollouts_pod_template_hash="{{args.canary-hash}}"',
    );
    expect(option(args, '--baseline')).toContain('rollouts_pod_template_hash="{{args.stable-hash}}"');
    expect(option(args, '--wait')).toBe(`${(policy.analysis.window * 3) / 1000}s`);
  });

  it('passes the judge Job only options that `voyage release judge` has', () => {
    const release = new Command('release');
    addJudgeCommand(release);
    const known = new Set(release.commands[0]!.options.map((o) => o.long));
    for (const strategy of ['canary', 'blueGreen']) {
      const policy = parseReleasePolicy(`strategy: ${strategy}`);
      for (const t of Object.values(renderRolloutObjects(policy))
        .flat()
        .filter(
          (o) =>
            o.kind === 'AnalysisTemplate' && (o.metadata as { name: string }).name !== 'voyage-preview-smoke',
        )) {
        const args = jobArgs((t.spec as { metrics: Metric[] }).metrics[0]!);
        const flags = args.filter((a) => a.startsWith('--'));
        expect(flags.length).toBeGreaterThan(2);
        for (const f of flags) expect(known, f).toContain(f);
      }
    }
  });

  it('follows a changed policy: steps, pauses, window and failure limit, durations in ms', () => {
    const policy = parseReleasePolicy(`
strategy: canary
canary: { steps: [{ weight: 5, pause: 1m }, { weight: 25, pause: 1500ms }, { weight: 100 }] }
readiness: { timeout: 90s }
analysis: { interval: 500ms, window: 20s, minRequests: 7, failureLimit: 3 }
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
    const [m] = metricsOf(policy, 'voyage-canary');
    expect([m!.interval, m!.initialDelay, m!.failureLimit]).toEqual(['20s', '20s', 3]);
    expect(option(jobArgs(m!), '--wait')).toBe('1m');
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
    // 60 s after promotion: one judgement per 30 s window; no baseline, so the fixed thresholds judge.
    const post = metricsOf(policy, 'voyage-post-promotion');
    expect(post.map((m) => [m.name, m.count, m.initialDelay])).toEqual([['judge', 2, '30s']]);
    expect(jobArgs(post[0]!)).not.toContain('--baseline');
    const noSmoke = renderRolloutObjects(
      parseReleasePolicy('strategy: blueGreen\nblueGreen: { previewSmoke: false }'),
    );
    expect(YAML.stringify(noSmoke)).not.toContain('smoke');
  });

  it.runIf(commandExists('promtool'))(
    'computes, in Prometheus, the figures the judge compares: latency buckets and failure shares',
    async () => {
      const policy = await loadReleasePolicy();
      const selector = 'namespace="shop",role="api",rollouts_pod_template_hash="new"';
      const q = promQueries(selector, policy.analysis.window, policy.analysis.metrics);
      const byName = Object.fromEntries(q.metrics.map((m) => [m.metric.name, m]));
      const steps = 12;
      const stepSeconds = 5;
      const perWindow = policy.analysis.window / 1000 / stepSeconds; // increments inside one window
      const series: string[] = [];
      const labels = (extra: string) =>
        `{namespace="shop",role="api",rollouts_pod_template_hash="new",${extra}}`;
      const counter = (name: string, extra: string, perStep: number) =>
        series.push(`- series: '${name}${labels(extra)}'\n  values: '0+${perStep}x${steps}'`);
      counter('http_requests_total', 'method="POST",route="/bookings",status_code="201"', 9);
      counter('http_requests_total', 'method="POST",route="/bookings",status_code="422"', 1);
      counter('http_requests_total', 'method="GET",route="/search",status_code="500"', 2);
      counter('http_requests_total', 'method="GET",route="/health/ready",status_code="503"', 50);
      for (const [le, n] of [
        ['0.05', 4],
        ['0.1', 10],
        ['+Inf', 12],
      ] as const)
        counter(
          'http_request_duration_seconds_bucket',
          `method="POST",route="/bookings",status_code="201",le="${le}"`,
          n,
        );
      counter(
        'http_request_duration_seconds_bucket',
        'method="GET",route="/health",status_code="200",le="+Inf"',
        50,
      );
      const scalar = (expr: string, value: number) =>
        `- expr: '${expr.replaceAll("'", "''")}'\n  eval_time: ${steps * stepSeconds}s\n  exp_samples: [{ labels: '{}', value: ${value} }]`;
      const vector = (expr: string, values: [string, number][]) =>
        `- expr: '${expr.replaceAll("'", "''")}'\n  eval_time: ${steps * stepSeconds}s\n  exp_samples:\n${values
          .map(([le, v]) => `    - { labels: '{le="${le}"}', value: ${v} }`)
          .join('\n')}`;
      const bookings = byName['car-bookings']!;
      const latency = byName.latency!;
      const errors = byName.errors!;
      if (bookings.kind !== 'proportion' || errors.kind !== 'proportion' || latency.kind !== 'buckets')
        throw new Error('unexpected query kinds');
      const tests = [
        scalar(bookings.total, 10 * perWindow),
        scalar(bookings.bad, 1 * perWindow),
        scalar(errors.total, 12 * perWindow),
        scalar(errors.bad, 2 * perWindow),
        vector(latency.buckets, [
          ['0.05', 4 * perWindow],
          ['0.1', 10 * perWindow],
          ['+Inf', 12 * perWindow],
        ]),
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
    },
  );
});
