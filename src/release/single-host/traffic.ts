import { setTimeout as sleep } from 'node:timers/promises';
import { judge } from '../analysis/judge.js';
import {
  createPrometheusSource,
  createScrapeSource,
  type MetricsSource,
  type SlotTarget,
} from '../analysis/sources.js';
import { commit, type ReleaseEnv } from './release-env.js';
import { type AnalysisSample, readState, type SlotName, type SlotStats } from './state-file.js';
import {
  clearRequest as clearRequestIn,
  enterPreview,
  finishStep,
  markFirstTraffic as markFirstTrafficIn,
  markPromoted as markPromotedIn,
  markRolledBack,
  recordSample,
  setPhase,
  setWeights,
  startStep,
} from './transitions.js';

/**
 * Shifting traffic to a started slot: canary steps or a blue-green switch, each analysed every
 * interval. A failed analysis (more failed samples than failureLimit), an abort request or a
 * signal puts every request back on the stable slot at once.
 */
export interface TrafficRun {
  env: ReleaseEnv;
  recordId: string;
  slot: SlotName;
  stable: SlotName;
  replicas: number;
  targets: SlotTarget[];
  /** Set when the deploy process got SIGINT or SIGTERM. */
  interrupted: () => string | null;
}

export type TrafficResult =
  | { outcome: 'promoted' }
  | { outcome: 'rolled-back' | 'aborted'; reason: string; trigger: 'analysis' | 'abort' };

const pct = (r: number | null) => (r === null ? '–' : `${(r * 100).toFixed(1)} %`);
const ms = (s: number | null) => (s === null ? '–' : `${Math.round(s * 1000)} ms`);
const describe = (s: SlotStats) => `${s.requests} req, ${pct(s.errorRate)} 5xx, p95 ${ms(s.p95Seconds)}`;

export function sourceFor(env: ReleaseEnv): MetricsSource {
  const { window, metrics } = env.policy.analysis;
  return env.prometheusUrl
    ? createPrometheusSource(env.prometheusUrl, window, metrics)
    : createScrapeSource(window, metrics);
}

/** Sets the new slot's share (the stable slot gets the rest) in HAProxy, then in the state. */
async function split(run: TrafficRun, weight: number): Promise<number> {
  const { env, slot, stable } = run;
  await env.haproxy.setWeights({ [slot]: weight, [stable]: 100 - weight }, run.replicas);
  const at = Date.now();
  await commit(env, (s) => setWeights(s, slot, stable, weight));
  return at;
}

async function pendingRequest(run: TrafficRun): Promise<'promote' | 'abort' | null> {
  if (run.interrupted()) return 'abort';
  return (await readState(run.env.stateDir))?.current?.request ?? null;
}

async function clearRequest(run: TrafficRun) {
  await commit(run.env, clearRequestIn);
}

async function sample(run: TrafficRun, source: MetricsSource, state: AnalysisState) {
  const { env, slot, stable } = run;
  const { weight, withStable } = state;
  let sampleOut: AnalysisSample;
  try {
    const stats = await source.sample(run.targets, state.judgeFrom ? { since: state.judgeFrom } : {});
    const canary = stats[slot]!;
    const base = withStable ? (stats[stable] ?? null) : null;
    sampleOut = {
      at: new Date().toISOString(),
      source: source.kind,
      weight,
      canary,
      stable: base,
      ...judge(canary, base, env.policy.analysis),
    };
  } catch (err) {
    const none = { requests: 0, errors: 0, errorRate: null, p95Seconds: null };
    sampleOut = {
      at: new Date().toISOString(),
      source: source.kind,
      weight,
      canary: none,
      stable: null,
      verdict: 'inconclusive',
      score: null,
      reasons: [`metrics unavailable: ${(err as Error).message}`],
      metrics: [],
    };
  }
  await commit(env, (s) => recordSample(s, run.recordId, sampleOut));
  const score =
    sampleOut.score === null || sampleOut.score === undefined ? '' : ` (score ${sampleOut.score})`;
  env.progress(
    `  analysis ${sampleOut.verdict}${score}: new ${describe(sampleOut.canary)}${sampleOut.stable ? ` | stable ${describe(sampleOut.stable)}` : ''}${sampleOut.reasons.length ? ` — ${sampleOut.reasons.join('; ')}` : ''}`,
  );
  return sampleOut;
}

async function rollBack(
  run: TrafficRun,
  outcome: 'rolled-back' | 'aborted',
  reason: string,
): Promise<TrafficResult> {
  const at = await split(run, 0);
  await commit(run.env, (s) => markRolledBack(s, run.recordId, at));
  run.env.progress(
    `${outcome === 'aborted' ? 'Aborted' : 'Rolled back'}: all traffic is on the stable slot again (${reason})`,
  );
  return { outcome, reason, trigger: outcome === 'aborted' ? 'abort' : 'analysis' };
}

const markFirstTraffic = (run: TrafficRun, at: number) =>
  commit(run.env, (s) => markFirstTrafficIn(s, run.recordId, at));

const markPromoted = (run: TrafficRun, at: number) =>
  commit(run.env, (s) => markPromotedIn(s, run.recordId, at));

interface AnalysisState {
  failures: number;
  weight: number;
  withStable: boolean;
  /** The end of the warm-up: traffic before it is not judged. */
  judgeFrom?: number;
  warmupStartedAt?: number;
  warmupRequestsLeft?: number;
  /** The warm-up is over (or there is none). */
  warm?: boolean;
}

/** The new version's first traffic just arrived: judge only what comes after the warm-up. */
function startWarmup(run: TrafficRun, state: AnalysisState, at: number) {
  const { warmup, warmupRequests } = run.env.policy.analysis;
  if (warmup <= 0 && warmupRequests <= 0) return;
  state.judgeFrom = at + warmup;
  state.warmupStartedAt = at;
  state.warmupRequestsLeft = warmupRequests;
  state.warm = false;
  run.env.progress(
    `  warming up: the new version's first ${[warmup ? `${warmup / 1000} s` : '', warmupRequests ? `${warmupRequests} requests` : ''].filter(Boolean).join(' and ')} of traffic are not judged`,
  );
}

/** During the warm-up: keeps the source's series going, and ends the warm-up once it has run its course. */
async function warmingUp(run: TrafficRun, source: MetricsSource, state: AnalysisState) {
  const stats = await source.sample(run.targets, { since: state.warmupStartedAt! }).catch(() => undefined);
  const none = { requests: 0, errors: 0, errorRate: null, p95Seconds: null };
  const canary = stats?.[run.slot] ?? none;
  const wanted = state.warmupRequestsLeft ?? 0;
  const seconds = Math.max(0, Math.ceil((state.judgeFrom! - Date.now()) / 1000));
  if (seconds === 0 && canary.requests >= wanted) {
    state.judgeFrom = Date.now();
    state.warm = true;
    return;
  }
  const reason = `warming up: ${seconds} s to go, ${Math.min(canary.requests, wanted)} of ${wanted} requests served`;
  const out: AnalysisSample = {
    at: new Date().toISOString(),
    source: source.kind,
    weight: state.weight,
    canary,
    stable: state.withStable ? (stats?.[run.stable] ?? null) : null,
    verdict: 'inconclusive',
    score: null,
    reasons: [reason],
    metrics: [],
  };
  await commit(run.env, (s) => recordSample(s, run.recordId, out));
  run.env.progress(`  analysis inconclusive: ${reason}`);
}

/**
 * Analyses until `until` (or forever), returning early on failure, abort or promote. `needPass`:
 * at the end, keep going until one conclusive sample has passed.
 */
async function analyse(
  run: TrafficRun,
  source: MetricsSource,
  state: AnalysisState,
  until: number,
  needPass: boolean,
): Promise<'done' | 'promote' | { outcome: 'rolled-back' | 'aborted'; reason: string }> {
  const { analysis } = run.env.policy;
  let next = Date.now() + analysis.interval;
  let passed = false;
  let waitingSaid = false;
  for (;;) {
    const request = await pendingRequest(run);
    if (request === 'abort')
      return { outcome: 'aborted', reason: run.interrupted() ?? 'aborted by an operator' };
    if (request === 'promote') {
      await clearRequest(run);
      return 'promote';
    }
    if (Date.now() >= next && state.warm === false) {
      next += analysis.interval;
      await warmingUp(run, source, state);
    } else if (Date.now() >= next) {
      next += analysis.interval;
      const s = await sample(run, source, state);
      if (s.verdict === 'pass') passed = true;
      if (s.verdict === 'fail' && ++state.failures > analysis.failureLimit) {
        return {
          outcome: 'rolled-back',
          reason: `analysis failed ${state.failures} times: ${s.reasons.join('; ')}`,
        };
      }
    }
    if (Date.now() >= until) {
      if (passed || !needPass) return 'done';
      if (!waitingSaid) {
        run.env.progress(
          '  no conclusive analysis yet: waiting for traffic, `voyage release promote` or `voyage release abort`',
        );
        waitingSaid = true;
      }
    }
    await sleep(Math.max(20, Math.min(250, next - Date.now())));
  }
}

export async function runCanary(run: TrafficRun): Promise<TrafficResult> {
  const { env } = run;
  const steps = env.policy.canary.steps;
  const source = sourceFor(env);
  await source.sample(run.targets).catch(() => undefined); // the baseline for deltas
  const state: AnalysisState = { failures: 0, weight: 0, withStable: true };
  for (let i = 0; i < steps.length - 1; i++) {
    const step = steps[i]!;
    const at = await split(run, step.weight);
    state.weight = step.weight;
    if (i === 0) {
      await markFirstTraffic(run, at);
      startWarmup(run, state, at);
    }
    await commit(env, (s) => startStep(s, run.recordId, i, step.weight, at));
    env.progress(
      `Step ${i + 1}/${steps.length}: ${step.weight} % of traffic to the new version${step.pause === undefined ? ' until `voyage release promote`' : ` for ${step.pause / 1000} s`}`,
    );
    const until = step.pause === undefined ? Number.POSITIVE_INFINITY : at + step.pause;
    const result = await analyse(run, source, state, until, true);
    await commit(env, (s) => finishStep(s, run.recordId));
    if (result === 'promote') break;
    if (result !== 'done') return rollBack(run, result.outcome, result.reason);
  }
  const at = await split(run, 100);
  if (steps.length === 1) await markFirstTraffic(run, at);
  await markPromoted(run, at);
  env.progress('All traffic is on the new version');
  return { outcome: 'promoted' };
}

export async function runBlueGreen(run: TrafficRun): Promise<TrafficResult> {
  const { env } = run;
  const { autoPromote, postPromotionAnalysis } = env.policy.blueGreen;
  await commit(env, (s) => enterPreview(s, run.slot));
  if (!autoPromote) {
    env.progress('Preview is up (weight 0): waiting for `voyage release promote` or `voyage release abort`');
    for (;;) {
      const request = await pendingRequest(run);
      if (request === 'abort')
        return {
          outcome: 'aborted',
          reason: run.interrupted() ?? 'aborted by an operator',
          trigger: 'abort',
        };
      if (request === 'promote') break;
      await sleep(250);
    }
    await clearRequest(run);
  }
  const source = sourceFor(env);
  await source.sample(run.targets).catch(() => undefined);
  const at = await split(run, 100);
  await markFirstTraffic(run, at);
  await commit(env, (s) => {
    startStep(s, run.recordId, null, 100, at);
    setPhase(s, 'post-promotion analysis');
  });
  env.progress(`Switched: all traffic on the new version; analysing for ${postPromotionAnalysis / 1000} s`);
  const state: AnalysisState = { failures: 0, weight: 100, withStable: false };
  startWarmup(run, state, at);
  const result = await analyse(run, source, state, at + postPromotionAnalysis, false);
  if (result !== 'done' && result !== 'promote') return rollBack(run, result.outcome, result.reason);
  await markPromoted(run, Date.now());
  return { outcome: 'promoted' };
}
