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
        minRequests: z.number().int().min(1).default(20),
        failureLimit: z.number().int().min(0).default(1),
        thresholds: z
          .object({
            errorRate: ratio.default(0.05),
            p95Seconds: z.number().positive().default(0.5),
            errorRateMargin: ratio.default(0.02),
            p95MarginSeconds: z.number().positive().default(0.25),
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
