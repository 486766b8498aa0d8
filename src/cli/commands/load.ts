import type { Command } from 'commander';
import { parseDuration } from '../../config/index.js';
import { type LoadProgress, LoadSetupError, runLoad } from '../../ops/load/run.js';
import { SCENARIOS, type ScenarioName } from '../../ops/load/scenarios.js';
import { checkSlo, rateLimitedRun } from '../../ops/load/slo.js';
import { DEFAULT_POLICY_FILE, loadReleasePolicy } from '../../release/policy.js';
import { createOutput, table } from '../output.js';
import { type CommandModule, wholeNumber } from './types.js';

interface LoadFlags {
  scenario: string;
  connections: number;
  duration: string;
  rate?: number;
  users: number;
  timeout: string;
  policy: string;
  json?: boolean;
}

function seconds(name: string, value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms < 1000)
    throw new Error(`${name} must be a duration of at least 1s (got "${value}")`);
  return Math.round(ms / 1000);
}

function positive(name: string) {
  const parse = wholeNumber(name);
  return (value: string) => {
    const n = parse(value);
    if (n < 1) throw new Error(`${name} must be at least 1 (got "${value}")`);
    return n;
  };
}

const ms = (v: number) => `${v.toFixed(1)} ms`;

export const loadCommand: CommandModule = {
  summary: 'Put a running Voyage under load and judge it by the SLO',
  register(program: Command) {
    program
      .command('load')
      .argument('<url>', 'base URL of a running Voyage, e.g. http://localhost:3000')
      .description(
        'Load test a running Voyage with generated travellers, then check latency and error rate against `slo` in the release policy. Exit 0: within the SLO; 1: not; 2: the test could not run (or the target rate-limited it; RATE_LIMIT_ALLOW on the target lets it through).',
      )
      .option('--scenario <name>', `${SCENARIOS.join(' | ')}`, 'mixed')
      .option('--connections <n>', 'concurrent connections', positive('--connections'), 10)
      .option('--duration <d>', 'how long to run, e.g. 30s or 2m', '30s')
      .option(
        '--rate <n>',
        'requests per second across all connections (default: as fast as it answers)',
        positive('--rate'),
      )
      .option('--users <n>', 'generated accounts for the booking steps', positive('--users'), 5)
      .option('--timeout <d>', 'per-request timeout', '10s')
      .option('--policy <file>', 'release policy holding the SLO', DEFAULT_POLICY_FILE)
      .option('--json', 'machine-readable output')
      .action(async (url: string, o: LoadFlags) => {
        if (!(SCENARIOS as readonly string[]).includes(o.scenario)) {
          throw new Error(`--scenario must be one of ${SCENARIOS.join(', ')} (got "${o.scenario}")`);
        }
        const durationSeconds = seconds('--duration', o.duration);
        const timeoutSeconds = seconds('--timeout', o.timeout);
        const policy = await loadReleasePolicy(o.policy);
        const out = createOutput(!!o.json);
        out.progress(
          `Load: ${o.scenario} against ${url}, ${o.connections} connections for ${durationSeconds} s` +
            `${o.rate ? ` at ${o.rate} requests/s` : ', as fast as it answers'}…`,
        );
        const live = process.stderr.isTTY;
        const onProgress = (p: LoadProgress) => {
          if (!live && p.elapsedSeconds % 5 !== 0) return;
          const line = `  ${String(p.elapsedSeconds).padStart(4)} s  ${String(p.perSecond).padStart(6)} req/s  p95 ${ms(p.p95Ms).padStart(9)}  errors ${p.errors}  total ${p.requests}`;
          if (live) process.stderr.write(`\r${line}`);
          else out.progress(line);
        };

        let result: Awaited<ReturnType<typeof runLoad>>;
        try {
          result = await runLoad({
            url,
            scenario: o.scenario as ScenarioName,
            connections: o.connections,
            durationSeconds,
            ...(o.rate ? { rate: o.rate } : {}),
            users: o.users,
            timeoutSeconds,
            thresholdsSeconds: [policy.slo.latencyThresholdSeconds],
            ...(o.json ? {} : { onProgress }),
          });
        } catch (err) {
          if (err instanceof LoadSetupError) {
            out.result(`Load test could not start: ${err.message}`, { ok: false, error: err.message });
            process.exitCode = 2;
            return;
          }
          throw err;
        }
        if (live && !o.json) process.stderr.write('\n');

        const limited = rateLimitedRun(result);
        if (limited) {
          out.result(limited, { ok: false, rateLimited: true, advice: limited, ...result });
          process.exitCode = 2;
          return;
        }
        const checks = checkSlo(result, policy.slo);
        const ok = checks.every((c) => c.ok);
        const statuses = Object.entries(result.statuses)
          .map(([code, n]) => `${code}: ${n}`)
          .join(', ');
        const human = [
          `${result.requests} requests in ${durationSeconds} s (${result.requestsPerSecond}/s); statuses ${statuses || 'none'}` +
            (result.transportErrors
              ? `; ${result.transportErrors} failed without a response (${result.timeouts} timed out)`
              : ''),
          `latency  p50 ${ms(result.latencyMs.p50)}  p90 ${ms(result.latencyMs.p90)}  p95 ${ms(result.latencyMs.p95)}  p99 ${ms(result.latencyMs.p99)}  max ${ms(result.latencyMs.max)}`,
          '',
          table([
            ['STEP', 'EXPECTED', 'STATUSES'],
            ...result.steps.map((s) => [
              s.step,
              s.expected.join('|'),
              Object.entries(s.statuses)
                .map(([code, n]) => `${code}×${n}`)
                .join(' ') || '-',
            ]),
          ]),
          '',
          `SLO (${o.policy}):`,
          ...checks.map((c) => `  ${c.ok ? 'PASS' : 'FAIL'}  ${c.name}: ${c.summary}`),
          ok ? 'Within the SLO.' : 'NOT within the SLO.',
        ].join('\n');
        out.result(human, { ok, checks, slo: policy.slo, ...result });
        if (!ok) process.exitCode = 1;
      });
  },
};
