import type { ReleasePolicy } from '../policy.js';
import { type ReleaseRecord, type ReleaseState, readState, SLOTS } from './state-file.js';

/**
 * A read-only view of the controller's state for the operator console: the slots, the deploy in
 * progress and the history (newest first), and one release's timeline — its analysis samples as
 * time series, the policy's limits, and every decision the controller took. Reads the state file
 * only; it never touches HAProxy or the process manager.
 */
export async function readReleaseState(stateDir: string): Promise<ReleaseState | null> {
  return readState(stateDir);
}

export function releaseOverview(state: ReleaseState, historyLimit = 50) {
  return {
    live: state.live,
    slots: SLOTS.map((slot) => ({
      slot,
      status: state.slots[slot].status,
      version: state.slots[slot].release?.version ?? null,
      weight: state.slots[slot].weight,
      live: state.live === slot,
    })),
    current: state.current
      ? {
          id: state.current.id,
          version: state.current.version,
          slot: state.current.slot,
          strategy: state.current.strategy,
          phase: state.current.phase,
          step: state.current.step,
          weight: state.current.weight,
          request: state.current.request,
        }
      : null,
    hold: state.hold,
    history: state.history
      .slice(-historyLimit)
      .reverse()
      .map((r) => ({
        id: r.id,
        kind: r.kind,
        version: r.version,
        previousVersion: r.previousVersion,
        slot: r.slot,
        strategy: r.strategy,
        outcome: r.outcome,
        reason: r.reason,
        startedAt: r.startedAt,
        finishedAt: r.finishedAt,
        totalMs: r.timings.totalMs ?? null,
      })),
  };
}

export type ReleaseOverview = ReturnType<typeof releaseOverview>;

type Marker = 'first-canary' | 'promoted' | 'rolled-back' | 'aborted' | 'failed';

/** The moments a release changed course, in time order. */
function markers(r: ReleaseRecord): { at: string; kind: Marker; reason: string | null }[] {
  const out: { at: string; kind: Marker; reason: string | null }[] = [];
  const t = r.timings;
  if (t.firstCanaryAt) out.push({ at: t.firstCanaryAt, kind: 'first-canary', reason: null });
  if (t.promotedAt) out.push({ at: t.promotedAt, kind: 'promoted', reason: null });
  if (t.rolledBackAt) out.push({ at: t.rolledBackAt, kind: 'rolled-back', reason: r.reason });
  if ((r.outcome === 'aborted' || r.outcome === 'failed') && r.finishedAt)
    out.push({ at: r.finishedAt, kind: r.outcome, reason: r.reason });
  return out.sort((a, b) => a.at.localeCompare(b.at));
}

export function releaseTimeline(r: ReleaseRecord, policy: ReleasePolicy | null) {
  return {
    id: r.id,
    kind: r.kind,
    version: r.version,
    previousVersion: r.previousVersion,
    strategy: r.strategy,
    outcome: r.outcome,
    reason: r.reason,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    thresholds: policy ? policy.analysis.thresholds : null,
    judge: policy ? policy.analysis.judge : null,
    steps: r.steps,
    samples: r.samples.map((s) => ({
      at: s.at,
      weight: s.weight,
      source: s.source,
      canary: { requests: s.canary.requests, errorRate: s.canary.errorRate, p95Seconds: s.canary.p95Seconds },
      baseline: s.stable
        ? { requests: s.stable.requests, errorRate: s.stable.errorRate, p95Seconds: s.stable.p95Seconds }
        : null,
      verdict: s.verdict,
      score: s.score ?? null,
      reasons: s.reasons,
      metrics: (s.metrics ?? []).map((m) => ({
        name: m.name,
        result: m.result,
        weight: m.weight,
        critical: m.critical,
        detail: m.detail,
        p: m.p ?? null,
      })),
    })),
    markers: markers(r),
    events: r.events,
  };
}

export type ReleaseTimeline = ReturnType<typeof releaseTimeline>;
