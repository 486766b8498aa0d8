import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { parseDuration } from '../../config/index.js';
import { type Judgement, judge } from '../../release/analysis/judge.js';
import { createPrometheusSource } from '../../release/analysis/sources.js';
import { DEFAULT_POLICY_FILE, loadReleasePolicy } from '../../release/policy.js';
import { createOutput } from '../output.js';

/** Exit codes: 0 pass or marginal, 1 fail, 2 still inconclusive when the wait ran out. */
const EXIT = { pass: 0, marginal: 0, fail: 1, inconclusive: 2 } as const;

export function describeJudgement(j: Judgement): string {
  const lines = [`${j.verdict}${j.score === null ? '' : ` (score ${j.score})`}`];
  for (const m of j.metrics) lines.push(`  ${m.result.padEnd(7)} ${m.name}: ${m.detail}`);
  if (!j.metrics.length) for (const r of j.reasons) lines.push(`  ${r}`);
  return lines.join('\n');
}

/**
 * `voyage release judge`: the canary against the baseline over the policy's window, on
 * Prometheus' figures. It is what Argo Rollouts runs as its analysis Job; an operator can run it
 * by hand to see why a release passed or failed.
 */
export function addJudgeCommand(release: Command) {
  release
    .command('judge')
    .description('Judge a canary against its baseline on Prometheus, by the release policy’s metrics')
    .requiredOption('--prometheus <url>', 'Prometheus to query')
    .requiredOption(
      '--canary <matchers>',
      'label matchers of the canary, e.g. role="api",rollouts_pod_template_hash="abc"',
    )
    .option('--baseline <matchers>', 'label matchers of the baseline; without it, the fixed thresholds judge')
    .option('--policy <file>', 'release policy', DEFAULT_POLICY_FILE)
    .option('--wait <duration>', 'keep judging while the result is inconclusive, this long', '0s')
    .option('--json', 'machine-readable output')
    .action(
      async (o: {
        prometheus: string;
        canary: string;
        baseline?: string;
        policy: string;
        wait: string;
        json?: boolean;
      }) => {
        const out = createOutput(!!o.json);
        const waitMs = parseDuration(o.wait);
        if (waitMs === undefined) throw new Error(`--wait: expected a duration like 30s (got "${o.wait}")`);
        const policy = await loadReleasePolicy(o.policy);
        const { analysis } = policy;
        const source = createPrometheusSource(o.prometheus, analysis.window, analysis.metrics);
        const until = Date.now() + waitMs;
        for (;;) {
          const [canary, baseline] = await Promise.all([
            source.figures(o.canary),
            o.baseline ? source.figures(o.baseline) : Promise.resolve(null),
          ]);
          const judgement = judge(canary, baseline, analysis);
          if (judgement.verdict !== 'inconclusive' || Date.now() >= until) {
            out.result(describeJudgement(judgement), { ...judgement, canary, baseline });
            process.exitCode = EXIT[judgement.verdict];
            return;
          }
          out.progress(
            `inconclusive: ${judgement.reasons.join('; ')}; judging again in ${analysis.interval / 1000} s`,
          );
          await sleep(analysis.interval);
        }
      },
    );
}
