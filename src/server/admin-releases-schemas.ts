import { z } from 'zod';

/** The console's Releases page: what the release controller on this host reports. */
const SlotName = z.enum(['blue', 'green']);
const Outcome = z.enum(['in-progress', 'promoted', 'rolled-back', 'aborted', 'failed']);
const Strategy = z.enum(['initial', 'canary', 'blueGreen', 'manual']);
const Verdict = z.enum(['pass', 'marginal', 'fail', 'inconclusive']);

export const ReleaseSummary = z.object({
  id: z.string(),
  kind: z.enum(['deploy', 'rollback']),
  version: z.string(),
  previousVersion: z.string().nullable(),
  slot: SlotName,
  strategy: Strategy,
  outcome: Outcome,
  reason: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  totalMs: z.number().nullable(),
});

const Command = z.object({
  purpose: z.enum(['deploy', 'watch', 'promote', 'abort', 'undo']),
  command: z.string(),
});

export const ReleasesView = z.discriminatedUnion('engine', [
  z.object({
    engine: z.literal('single-host'),
    stateDir: z.string(),
    live: SlotName.nullable(),
    slots: z.array(
      z.object({
        slot: SlotName,
        status: z.enum(['empty', 'starting', 'canary', 'preview', 'live', 'standby', 'stopped']),
        version: z.string().nullable(),
        weight: z.number(),
        live: z.boolean(),
      }),
    ),
    current: z
      .object({
        id: z.string(),
        version: z.string(),
        slot: SlotName,
        strategy: Strategy,
        phase: z.string(),
        step: z.number().int().nullable(),
        weight: z.number(),
        request: z.enum(['promote', 'abort']).nullable(),
      })
      .nullable(),
    hold: z.object({ slot: SlotName, until: z.string() }).nullable(),
    history: z.array(ReleaseSummary),
  }),
  z.object({
    engine: z.literal('argo-rollouts'),
    namespace: z.string(),
    rollout: z.string(),
    commands: z.array(Command),
  }),
  z.object({ engine: z.literal('none'), stateDir: z.string(), commands: z.array(Command) }),
]);

const Figures = z.object({
  requests: z.number(),
  errorRate: z.number().nullable(),
  p95Seconds: z.number().nullable(),
});

export const ReleaseTimeline = z.object({
  id: z.string(),
  kind: z.enum(['deploy', 'rollback']),
  version: z.string(),
  previousVersion: z.string().nullable(),
  strategy: Strategy,
  outcome: Outcome,
  reason: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  thresholds: z.object({ errorRate: z.number(), p95Seconds: z.number() }).nullable(),
  judge: z.object({ pass: z.number(), marginal: z.number() }).nullable(),
  steps: z.array(z.object({ weight: z.number(), startedAt: z.string(), finishedAt: z.string().nullable() })),
  samples: z.array(
    z.object({
      at: z.string(),
      weight: z.number(),
      source: z.enum(['scrape', 'prometheus']),
      canary: Figures,
      baseline: Figures.nullable(),
      verdict: Verdict,
      score: z.number().nullable(),
      reasons: z.array(z.string()),
      metrics: z.array(
        z.object({
          name: z.string(),
          result: z.enum(['pass', 'fail', 'no data']),
          weight: z.number(),
          critical: z.boolean(),
          detail: z.string(),
          p: z.number().nullable(),
        }),
      ),
    }),
  ),
  markers: z.array(
    z.object({
      at: z.string(),
      kind: z.enum(['first-canary', 'promoted', 'rolled-back', 'aborted', 'failed']),
      reason: z.string().nullable(),
    }),
  ),
  events: z.array(z.object({ at: z.string(), message: z.string() })),
});

/** Release ids as the controller makes them: 20261207T110714-1a2b3c. */
export const ReleaseIdParams = z.object({
  id: z
    .string()
    .max(64)
    .regex(/^[A-Za-z0-9-]+$/, 'must be a release id'),
});

export const PromoteResult = z.object({ requested: z.literal('promote'), version: z.string() });
export const AbortResult = z.object({
  aborted: z.literal(true),
  version: z.string(),
  recovered: z.boolean(),
});
