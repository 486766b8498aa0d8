import type { ReleasePolicy } from '../../release/policy.js';
import type { LoadResult } from './run.js';

/**
 * Judges a load run by the service level objectives of the release policy: the same two the
 * Prometheus SLO rules measure in production.
 */
export interface SloCheck {
  name: 'availability' | 'latency' | 'validity';
  ok: boolean;
  /** What was measured, as a ratio. */
  measured: number;
  /** The bound it is held to, as a ratio. */
  limit: number;
  summary: string;
}

/** More unexpected answers than this and the run measured something other than the scenario. */
export const MAX_UNEXPECTED_SHARE = 0.01;

/** 1 − 0.999 is 0.0010000000000000009 in floating point; limits are read as written. */
const exact = (r: number) => Math.round(r * 1e12) / 1e12;

const pct = (r: number) => `${(r * 100).toFixed(r !== 0 && r < 0.001 ? 3 : 2)} %`;

export function checkSlo(result: LoadResult, slo: ReleasePolicy['slo']): SloCheck[] {
  const total = result.requests;
  const errorRate = total ? result.errors / total : 1;
  const allowedErrors = exact(1 - slo.availability);
  const slowShare = result.slowerThan[String(slo.latencyThresholdSeconds)] ?? 1;
  const allowedSlow = exact(1 - slo.latencyTarget);
  const unexpectedShare = total ? result.unexpected / total : 1;
  const thresholdMs = Math.round(slo.latencyThresholdSeconds * 1000);
  return [
    {
      name: 'availability',
      ok: total > 0 && errorRate <= allowedErrors,
      measured: errorRate,
      limit: allowedErrors,
      summary: `error rate ${pct(errorRate)} (5xx and failed requests), allowed ${pct(allowedErrors)} (availability ${pct(slo.availability)})`,
    },
    {
      name: 'latency',
      ok: total > 0 && slowShare <= allowedSlow,
      measured: slowShare,
      limit: allowedSlow,
      summary: `${pct(slowShare)} of responses slower than ${thresholdMs} ms, allowed ${pct(allowedSlow)} (p${Math.round(slo.latencyTarget * 100)} ${result.latencyMs.p95.toFixed(1)} ms)`,
    },
    {
      name: 'validity',
      ok: total > 0 && unexpectedShare <= MAX_UNEXPECTED_SHARE,
      measured: unexpectedShare,
      limit: MAX_UNEXPECTED_SHARE,
      summary:
        total === 0
          ? 'no request completed'
          : `${pct(unexpectedShare)} unexpected responses (e.g. 401, 429), allowed ${pct(MAX_UNEXPECTED_SHARE)}`,
    },
  ];
}

/**
 * When the target's rate limit answered a noticeable share of the run, the run measured the
 * limit, not the service: the load tester says so and how to run it instead of reporting an SLO
 * verdict. Undefined when the limit did not get in the way.
 */
export function rateLimitedRun(result: LoadResult): string | undefined {
  const limited = Number(result.statuses['429'] ?? 0);
  if (!result.requests || limited / result.requests <= MAX_UNEXPECTED_SHARE) return undefined;
  return [
    `Rate limited: ${limited} of ${result.requests} answers were 429 rate_limited. This run measured the`,
    "target's per-address rate limit, not Voyage, so it is not judged against the SLO.",
    "Run the target with RATE_LIMIT_ALLOW=<this machine's address> (e.g. RATE_LIMIT_ALLOW=127.0.0.1,::1",
    'for a local run; behind a proxy with TRUST_PROXY=true, the forwarded address), or RATE_LIMIT_MAX=0 on',
    'a test instance, then run voyage load again. The limiter forgets this address after RATE_LIMIT_WINDOW.',
  ].join('\n');
}
