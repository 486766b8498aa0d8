import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { MetricVerdict, Verdict } from '../../src/release/analysis/judge.js';
import {
  type AnalysisSample,
  initState,
  newState,
  type ReleaseRecord,
  type ReleaseState,
  statePaths,
  updateState,
} from '../../src/release/single-host/state-file.js';

/**
 * Release history as the controller writes it, for tests of what reads it: records built with the
 * state file's own types and written through initState/updateState.
 */
const at = (t0: number, s: number) => new Date(t0 + s * 1000).toISOString();

function sample(
  t0: number,
  s: number,
  weight: number,
  canary: { errorRate: number; p95: number },
  verdict: Verdict,
  metrics: MetricVerdict[],
): AnalysisSample {
  return {
    at: at(t0, s),
    source: 'scrape',
    weight,
    canary: {
      requests: 200,
      errors: Math.round(200 * canary.errorRate),
      errorRate: canary.errorRate,
      p95Seconds: canary.p95,
    },
    stable: { requests: 1800, errors: 2, errorRate: 0.001, p95Seconds: 0.05 },
    verdict,
    score: verdict === 'inconclusive' ? null : verdict === 'pass' ? 100 : 40,
    reasons: verdict === 'fail' ? ['errors: 12.0 % bad (24 of 200) against baseline’s 0.1 %'] : [],
    metrics,
  };
}

const passing: MetricVerdict[] = [
  {
    name: 'latency',
    result: 'pass',
    weight: 30,
    critical: false,
    p: 0.41,
    detail: 'median 12 ms against baseline’s 11 ms (×1.09, floor ×1.3; p = 0.410)',
  },
  {
    name: 'errors',
    result: 'pass',
    weight: 30,
    critical: true,
    p: 0.5,
    detail: '0.0 % bad (0 of 200) against baseline’s 0.1 % (floor +1.0 %; p = 0.500)',
  },
];
const failing: MetricVerdict[] = [
  {
    name: 'latency',
    result: 'pass',
    weight: 30,
    critical: false,
    p: 0.3,
    detail: 'median 13 ms against baseline’s 11 ms (×1.18, floor ×1.3; p = 0.300)',
  },
  {
    name: 'errors',
    result: 'fail',
    weight: 30,
    critical: true,
    p: 0.0001,
    detail: '12.0 % bad (24 of 200) against baseline’s 0.1 % (floor +1.0 %; p < 0.001)',
  },
];

/** v1.1.0 canaried at 10 then 50 % with passing judgements, then promoted to 100 %. */
export function promotedRecord(id: string, t0: number): ReleaseRecord {
  return {
    id,
    kind: 'deploy',
    version: 'v1.1.0',
    previousVersion: 'v1.0.0',
    slot: 'green',
    strategy: 'canary',
    startedAt: at(t0, 0),
    finishedAt: at(t0, 75),
    outcome: 'promoted',
    reason: null,
    steps: [
      { weight: 10, startedAt: at(t0, 10), finishedAt: at(t0, 40) },
      { weight: 50, startedAt: at(t0, 40), finishedAt: at(t0, 70) },
    ],
    samples: [
      sample(t0, 15, 10, { errorRate: 0, p95: 0.06 }, 'inconclusive', []),
      sample(t0, 25, 10, { errorRate: 0, p95: 0.055 }, 'pass', passing),
      sample(t0, 35, 10, { errorRate: 0.005, p95: 0.06 }, 'pass', passing),
      sample(t0, 50, 50, { errorRate: 0, p95: 0.058 }, 'pass', passing),
      sample(t0, 65, 50, { errorRate: 0, p95: 0.052 }, 'pass', passing),
    ],
    events: [{ at: at(t0, 70), message: 'promoted after 3 steps' }],
    timings: { firstCanaryAt: at(t0, 10), promotedAt: at(t0, 70), promotionMs: 60_000, totalMs: 75_000 },
  };
}

/** v1.2.0 failed its analysis at 10 % and was rolled back. */
export function rolledBackRecord(id: string, t0: number): ReleaseRecord {
  return {
    id,
    kind: 'deploy',
    version: 'v1.2.0',
    previousVersion: 'v1.1.0',
    slot: 'blue',
    strategy: 'canary',
    startedAt: at(t0, 0),
    finishedAt: at(t0, 40),
    outcome: 'rolled-back',
    reason: 'analysis failed: errors: 12.0 % bad (24 of 200) against baseline’s 0.1 %',
    steps: [{ weight: 10, startedAt: at(t0, 10), finishedAt: at(t0, 32) }],
    samples: [
      sample(t0, 20, 10, { errorRate: 0.11, p95: 0.07 }, 'fail', failing),
      sample(t0, 30, 10, { errorRate: 0.12, p95: 0.08 }, 'fail', failing),
    ],
    events: [{ at: at(t0, 32), message: 'rolled back: analysis failed' }],
    timings: {
      firstCanaryAt: at(t0, 10),
      rolledBackAt: at(t0, 32),
      rollbackAfterMs: 22_000,
      totalMs: 40_000,
    },
  };
}

/** A state dir with v1.1.0 live on green, a promoted and a rolled-back release in the history. */
export async function writeReleaseHistory(
  stateDir: string,
  change?: (state: ReleaseState) => void,
): Promise<{ promoted: string; rolledBack: string }> {
  const t0 = Date.parse('2026-12-01T10:00:00Z');
  const ids = { promoted: '20261201T100000-aaa111', rolledBack: '20261201T110000-bbb222' };
  await initState(stateDir, async () =>
    newState({
      edge: { host: '127.0.0.1', port: 8080, agentPort: 8081 },
      replicas: 2,
      processManager: 'supervisor',
    }),
  );
  // As the first deploy leaves it: HAProxy's config beside the state, rewritten on every change.
  await mkdir(path.dirname(statePaths(stateDir).haproxyConfig), { recursive: true });
  await updateState(stateDir, (s) => {
    s.live = 'green';
    s.slots.green = {
      status: 'live',
      release: { version: 'v1.1.0', dir: '/srv/releases/v1.1.0', env: {} },
      ports: [9101, 9102],
      weight: 100,
      startId: 'g1',
    };
    s.slots.blue = {
      status: 'stopped',
      release: { version: 'v1.2.0', dir: '/srv/releases/v1.2.0', env: {} },
      ports: [],
      weight: 0,
      startId: null,
    };
    s.history.push(promotedRecord(ids.promoted, t0), rolledBackRecord(ids.rolledBack, t0 + 3_600_000));
    s.deploysTotal.promoted = 1;
    s.deploysTotal['rolled-back'] = 1;
    s.rollbacksTotal.analysis = 1;
    change?.(s);
  });
  return ids;
}
