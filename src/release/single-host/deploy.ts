import { readReleasePackage, releaseCli, releaseEnvProblems, runHook } from './release-dir.js';
import { commit, type ReleaseEnv } from './release-env.js';
import { ensureInfrastructure, enterRotation, retireSlot, startSlot } from './slots.js';
import { type ReleaseRecord, type ReleaseSpec, readState } from './state-file.js';
import { runBlueGreen, runCanary, type TrafficResult } from './traffic.js';
import {
  begin,
  type Claim,
  enterPhase,
  finish,
  firstLive,
  promote,
  recordTiming,
  releaseHold,
  slotInRotation,
} from './transitions.js';
import { pruneAssets, publishAssets } from './web-assets.js';
import { notify } from './webhook.js';

/**
 * `voyage release deploy`: pre-deploy hooks → migrate lint (against the live release) → migrate
 * up → the web app's hashed files into the shared store → start the idle slot → ready → smoke →
 * into HAProxy at weight 0 → canary steps or blue-green switch with analysis → promoted (the old
 * slot held for instant rollback) or rolled back (the new slot drained and stopped).
 */
export interface DeployInput {
  dir: string;
  env: Record<string, string>;
  strategy?: 'canary' | 'blueGreen';
  edgePort?: number;
  agentPort?: number;
}

class DeployFailure extends Error {}

type Result = TrafficResult | { outcome: 'failed'; reason: string };

/** One deploy in progress: its claim, its release, and how it reports and notices an abort. */
interface Run {
  env: ReleaseEnv;
  claim: Claim;
  release: ReleaseSpec;
  replicas: number;
  /** Set by SIGINT/SIGTERM: from the claim on, a signal is an abort, not an exit. */
  interrupted: string | null;
  /** The slot's processes were started (and so must be stopped if the deploy does not promote). */
  slotStarted: boolean;
}

export async function deploy(env: ReleaseEnv, input: DeployInput): Promise<ReleaseRecord> {
  const started = Date.now();
  const { version } = await readReleasePackage(input.dir);
  const replicas = (await readState(env.stateDir))?.replicas ?? env.config.release.replicas;
  const problems = releaseEnvProblems(input.env, replicas);
  if (problems.length)
    throw new Error(`the release environment cannot work:\n  - ${problems.join('\n  - ')}`);
  await ensureInfrastructure(env, input);

  const claim = await commit(env, (s) =>
    begin(s, { version, strategy: input.strategy ?? env.policy.strategy, pid: process.pid }),
  );
  const run: Run = {
    env,
    claim,
    release: { version, dir: input.dir, env: input.env },
    replicas,
    interrupted: null,
    slotStarted: false,
  };
  const onSignal = (signal: string) => {
    run.interrupted = `interrupted by ${signal}`;
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);

  let result: Result;
  try {
    await stopHeldSlot(run);
    await runHooks(run);
    await migrate(run);
    const ports = await start(run);
    await smoke(run, ports);
    await enterRotation(env, claim.slot, ports, replicas);
    await commit(env, (s) => slotInRotation(s, claim.slot, claim.live));
    result = claim.live ? await shiftTraffic(run, ports) : await goLive(run);
  } catch (err) {
    result = await failed(run, err as Error);
  }
  await settle(run, result);
  const record = await commit(env, (s) => finish(s, claim.id, claim.slot, result, started));
  await pruneAssets(env.paths, (await readState(env.stateDir))!).catch((err) =>
    env.progress(`pruning the web app's shared files failed: ${(err as Error).message}`),
  );
  process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  await notifyOutcome(run, record);
  return record;
}

async function phase(run: Run, name: string, message: string) {
  run.env.progress(message);
  await commit(run.env, (s) => enterPhase(s, run.claim.id, name, message));
}

const timing = (run: Run, key: keyof ReleaseRecord['timings'], value: number) =>
  commit(run.env, (s) => recordTiming(s, run.claim.id, key, value));

/** A signal, or an operator's `voyage release abort`, as the reason to stop; null to go on. */
async function stopRequested(run: Run): Promise<string | null> {
  if (run.interrupted) return run.interrupted;
  return (await readState(run.env.stateDir))?.current?.request === 'abort' ? 'aborted by an operator' : null;
}

/** The target slot still runs the release before the live one (its hold period): stop it first. */
async function stopHeldSlot(run: Run) {
  const { env, claim } = run;
  if (!claim.slotBusy) return;
  await phase(
    run,
    'ending hold',
    `Slot ${claim.slot} still runs the previous release: draining and stopping it`,
  );
  await commit(env, (s) => releaseHold(s, claim.slot));
  await retireSlot(env, claim.slot, env.policy.drain.timeout);
}

async function runHooks(run: Run) {
  const hooks = run.env.policy.hooks.preDeploy;
  for (const [i, command] of hooks.entries()) {
    await phase(run, 'hooks', `Pre-deploy hook ${i + 1}/${hooks.length}: ${command}`);
    const r = await runHook(run.env.paths, command, run.release, run.env.config.release.searchPath);
    if (r.code !== 0)
      throw new DeployFailure(
        `pre-deploy hook "${command}" failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(-500)}`,
      );
  }
}

/**
 * The release's own migration lint, told which release is live: a contract step that removes what
 * the live release still uses stops the deploy before anything is applied.
 */
async function lintMigrations(run: Run) {
  const { release, claim } = run;
  const live = claim.previous?.release?.version;
  const args = ['migrate', 'lint', '--json', ...(live ? ['--live-version', live] : [])];
  const r = await releaseCli(release.dir, args, release.env, run.env.config.release.searchPath);
  if (r.code === 0) return;
  let detail = r.stderr.trim().slice(-500);
  try {
    const report = JSON.parse(r.stdout) as {
      findings: { migration: string; rule: string; message: string }[];
    };
    detail = report.findings.map((f) => `${f.migration} ${f.rule}: ${f.message}`).join('; ');
  } catch {}
  throw new DeployFailure(`voyage migrate lint refused the release's migrations: ${detail}`);
}

async function migrate(run: Run) {
  const { release } = run;
  await lintMigrations(run);
  await phase(run, 'migrate', `Migrating the database with ${release.version} (voyage migrate up)`);
  const migrated = await releaseCli(
    release.dir,
    ['migrate', 'up', '--json'],
    release.env,
    run.env.config.release.searchPath,
  );
  if (migrated.code !== 0)
    throw new DeployFailure(`voyage migrate up failed: ${migrated.stderr.trim().slice(-500)}`);
  await timing(run, 'migrateMs', migrated.ms);
}

async function start(run: Run): Promise<number[]> {
  const { slot } = run.claim;
  await phase(
    run,
    'starting',
    `Starting ${run.release.version} in slot ${slot} (${run.replicas} replicas) and waiting for /health/ready`,
  );
  const { copied } = await publishAssets(run.env.paths, run.release);
  if (copied) run.env.progress(`Web app: ${copied} hashed files added to the shared store`);
  run.slotStarted = true;
  const { ports, readyMs } = await startSlot(run.env, slot, run.release, () => stopRequested(run));
  await timing(run, 'readyMs', readyMs);
  return ports;
}

/** The release's own `voyage smoke` against one replica directly, before any edge traffic. */
async function smoke(run: Run, ports: number[]) {
  const { env, claim, release } = run;
  if (claim.strategy === 'blueGreen' && !env.policy.blueGreen.previewSmoke) return;
  const url = `http://127.0.0.1:${ports[0]}`;
  await phase(run, 'smoke', `Smoke testing slot ${claim.slot} directly (voyage smoke ${url})`);
  const r = await releaseCli(
    release.dir,
    ['smoke', url, '--json'],
    release.env,
    env.config.release.searchPath,
    120_000,
  );
  await timing(run, 'smokeMs', r.ms);
  if (r.code === 0) return;
  let detail = r.stderr.trim();
  try {
    const report = JSON.parse(r.stdout);
    detail = `step "${report.failedStep}": ${report.steps.at(-1)?.detail}`;
  } catch {}
  throw new DeployFailure(`smoke test failed at ${detail}`);
}

/** The first deploy: nothing to compare with, so the slot takes all traffic at once. */
async function goLive(run: Run): Promise<Result> {
  const { env, claim } = run;
  await env.haproxy.setWeights({ [claim.slot]: 100 }, run.replicas);
  await commit(env, (s) => firstLive(s, claim.slot));
  env.progress(`${run.release.version} is live in slot ${claim.slot}`);
  return { outcome: 'promoted' };
}

async function shiftTraffic(run: Run, ports: number[]): Promise<Result> {
  const { env, claim } = run;
  const live = claim.live!;
  const traffic = {
    env,
    recordId: claim.id,
    slot: claim.slot,
    stable: live,
    replicas: run.replicas,
    targets: [
      { slot: claim.slot, version: run.release.version, ports },
      { slot: live, version: claim.previous!.release!.version, ports: claim.previous!.ports },
    ],
    interrupted: () => run.interrupted,
  };
  return claim.strategy === 'blueGreen' ? runBlueGreen(traffic) : runCanary(traffic);
}

/** Whatever went wrong before or during the traffic shift: all traffic back on the live slot. */
async function failed(run: Run, err: Error): Promise<Result> {
  const { env, claim } = run;
  const reason = err.message;
  const result: Result =
    reason === run.interrupted || reason === 'aborted by an operator'
      ? { outcome: 'aborted', reason, trigger: 'abort' }
      : { outcome: 'failed', reason };
  env.progress(`Deploy ${result.outcome}: ${reason}`);
  if (claim.live)
    await env.haproxy.setWeights({ [claim.live]: 100, [claim.slot]: 0 }, run.replicas).catch(() => undefined);
  return result;
}

/** Promoted: hold the old slot for instant rollback. Otherwise: drain and stop the new slot. */
async function settle(run: Run, result: Result) {
  const { env, claim } = run;
  if (result.outcome === 'promoted') {
    if (!claim.live) return;
    const hold =
      claim.strategy === 'blueGreen' ? env.policy.blueGreen.holdOldSlot : env.policy.canary.holdOldSlot;
    await commit(env, (s) => promote(s, claim.id, claim.slot, claim.live!, hold));
    env.progress(
      `Previous release kept in slot ${claim.live} for ${hold / 1000} s: \`voyage release rollback\` switches back at once`,
    );
  } else if (run.slotStarted) {
    env.progress(`Draining and stopping slot ${claim.slot}`);
    await retireSlot(env, claim.slot, env.policy.drain.timeout).catch((err) =>
      env.progress(`stopping slot ${claim.slot} failed: ${(err as Error).message}`),
    );
  }
}

async function notifyOutcome(run: Run, record: ReleaseRecord) {
  const problem = await notify(run.env.webhookUrl, {
    event: record.outcome as 'promoted',
    version: record.version,
    previousVersion: record.previousVersion,
    slot: record.slot,
    reason: record.reason,
    releaseId: record.id,
    host: run.env.host,
  });
  if (problem) run.env.progress(problem);
}
