import { readFile } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { parseDuration } from '../config/index.js';
import { PROJECT_ROOT } from '../version.js';

/**
 * The release policy (deploy/release-policy.yaml), shared by the single-host controller, the
 * Argo Rollouts renderer and the SLO-gated load command. Durations come out in milliseconds.
 */
const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = typeof v === 'number' ? v * 1000 : parseDuration(v);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a duration like 30s or 5m (got "${v}")` });
    return z.NEVER;
  }
  return ms;
});
const ratio = z.number().min(0).max(1);

/** Label matchers: label → regular expression over the whole value, as PromQL's `=~`. */
const Matchers = z.record(
  z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a Prometheus label name'),
  z.string().refine((re) => {
    try {
      new RegExp(re);
      return true;
    } catch {
      return false;
    }
  }, 'a regular expression'),
);
const metricName = z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'a Prometheus metric name');
const common = {
  name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lowercase words joined by hyphens'),
  /** Share of the score this metric carries. */
  weight: z.number().positive(),
  /** A failed critical metric fails the release whatever the score. */
  critical: z.boolean().default(false),
  /** Without enough samples of a required metric on both sides, the judge waits instead of deciding. */
  required: z.boolean().default(false),
  /** Fewer samples than this on either side: the metric has no data in this window. */
  minSamples: z.number().int().min(1).default(20),
  /** Significance: the canary is worse only when the one-sided p-value is below this. */
  alpha: z.number().gt(0).lt(0.5).default(0.01),
  where: Matchers.default({}),
};
const JudgedMetric = z.discriminatedUnion('test', [
  z
    .object({
      ...common,
      test: z.literal('mann-whitney'),
      /** A histogram (without the _bucket suffix). */
      metric: metricName.default('http_request_duration_seconds'),
      /** Effect-size floor: the canary's median must be at least this many times the baseline's … */
      effect: z.number().min(1).default(1.3),
      /** … and slower by at least this many seconds: a millisecond is not worth a rollback. */
      minDifferenceSeconds: z.number().min(0).default(0.005),
    })
    .strict(),
  z
    .object({
      ...common,
      test: z.literal('proportion'),
      /** A counter; `where` picks the attempts, `bad` the failed ones among them. */
      metric: metricName.default('http_requests_total'),
      bad: Matchers.refine((m) => Object.keys(m).length > 0, 'bad needs at least one label'),
      /** Effect-size floor: the canary's bad share must be at least this much above the baseline's. */
      effect: ratio.default(0.02),
    })
    .strict(),
]);
export type JudgedMetric = z.infer<typeof JudgedMetric>;

/** Non-2xx answers among one kind's booking attempts: a critical failure share. */
const bookingsOf = (name: string, route: string): z.input<typeof JudgedMetric> => ({
  name,
  test: 'proportion',
  weight: 10,
  critical: true,
  where: { method: 'POST', route },
  bad: { status_code: '[45]..' },
  effect: 0.05,
});

/** The judged metrics when a policy names none; deploy/release-policy.yaml spells the same list. */
export const DEFAULT_METRICS: z.input<typeof JudgedMetric>[] = [
  {
    name: 'latency',
    test: 'mann-whitney',
    weight: 30,
    required: true,
    minSamples: 50,
    effect: 1.3,
    minDifferenceSeconds: 0.01,
  },
  {
    name: 'errors',
    test: 'proportion',
    weight: 30,
    critical: true,
    required: true,
    bad: { status_code: '5..' },
    effect: 0.01,
  },
  bookingsOf('car-bookings', '/bookings'),
  bookingsOf('stay-bookings', '/stay-bookings'),
  bookingsOf('flight-bookings', '/flight-bookings'),
  {
    name: 'empty-searches',
    test: 'proportion',
    weight: 5,
    metric: 'voyage_searches_total',
    where: { outcome: 'results|empty' },
    bad: { outcome: 'empty' },
    effect: 0.1,
  },
  {
    name: 'login-failures',
    test: 'proportion',
    weight: 5,
    where: { method: 'POST', route: '/auth/login' },
    bad: { status_code: '4..' },
    effect: 0.1,
  },
];

const Step = z.object({ weight: z.number().int().min(1).max(100), pause: duration.optional() }).strict();

export const ReleasePolicySchema = z
  .object({
    strategy: z.enum(['canary', 'blueGreen']),
    canary: z
      .object({
        steps: z
          .array(Step)
          .min(1)
          .prefault([{ weight: 10, pause: '30s' }, { weight: 50, pause: '30s' }, { weight: 100 }])
          .refine(
            (steps) => steps.every((s, i) => i === 0 || s.weight > steps[i - 1]!.weight),
            'step weights must rise',
          )
          .refine((steps) => steps.at(-1)?.weight === 100, 'the last step must reach weight 100'),
        holdOldSlot: duration.prefault('10m'),
      })
      .strict()
      .prefault({}),
    blueGreen: z
      .object({
        previewSmoke: z.boolean().default(true),
        autoPromote: z.boolean().default(true),
        postPromotionAnalysis: duration.prefault('60s'),
        holdOldSlot: duration.prefault('10m'),
      })
      .strict()
      .prefault({}),
    readiness: z
      .object({ timeout: duration.prefault('60s') })
      .strict()
      .prefault({}),
    drain: z
      .object({ timeout: duration.prefault('30s') })
      .strict()
      .prefault({}),
    hooks: z
      .object({ preDeploy: z.array(z.string().trim().min(1, 'a hook must be a command')).default([]) })
      .strict()
      .prefault({}),
    analysis: z
      .object({
        interval: duration.prefault('5s'),
        window: duration.prefault('30s'),
        /**
         * The new version's first traffic that is not judged: a process just started is slower
         * until its code is optimised and its connections are open. Judgements start after it, over
         * traffic from after it.
         */
        warmup: duration.prefault('0s'),
        /** … and lasts until the new version has also served this many requests (after an idle spell). */
        warmupRequests: z.number().int().min(0).default(0),
        minRequests: z.number().int().min(1).default(20),
        failureLimit: z.number().int().min(0).default(1),
        /** Score (0–100, the weighted share of passed metrics) at or above `pass` passes; below `marginal` fails. */
        judge: z
          .object({
            pass: z.number().min(0).max(100).default(90),
            marginal: z.number().min(0).max(100).default(70),
          })
          .strict()
          .refine((j) => j.marginal <= j.pass, {
            message: 'marginal must not be above pass',
            path: ['marginal'],
          })
          .prefault({}),
        metrics: z
          .array(JudgedMetric)
          .min(1)
          .prefault(DEFAULT_METRICS)
          .refine((ms) => new Set(ms.map((m) => m.name)).size === ms.length, 'metric names must differ')
          .refine((ms) => ms.some((m) => m.required), 'at least one metric must be required'),
        /** Without a baseline to compare with (blue-green after the switch), these fixed limits judge. */
        thresholds: z
          .object({
            errorRate: ratio.default(0.05),
            p95Seconds: z.number().positive().default(0.5),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .refine((a) => a.window >= a.interval, {
        message: 'window must be at least as long as interval',
        path: ['window'],
      })
      .prefault({}),
    slo: z
      .object({
        availability: z.number().gt(0).lt(1).default(0.999),
        latencyThresholdSeconds: z.number().positive().default(0.3),
        latencyTarget: z.number().gt(0).lt(1).default(0.95),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type ReleasePolicy = z.infer<typeof ReleasePolicySchema>;

export const DEFAULT_POLICY_FILE = path.join(PROJECT_ROOT, 'deploy/release-policy.yaml');

export class PolicyError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`Invalid release policy ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PolicyError';
  }
}

export function parseReleasePolicy(text: string, file = 'release-policy.yaml'): ReleasePolicy {
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (err) {
    throw new PolicyError(file, [`not valid YAML: ${(err as Error).message}`]);
  }
  const result = ReleasePolicySchema.safeParse(raw ?? {});
  if (!result.success) {
    throw new PolicyError(
      file,
      result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`),
    );
  }
  return result.data;
}

export async function loadReleasePolicy(file = DEFAULT_POLICY_FILE): Promise<ReleasePolicy> {
  return parseReleasePolicy(await readFile(file, 'utf8'), file);
}
