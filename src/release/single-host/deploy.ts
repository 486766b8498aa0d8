import {
  commit,
  ensureInfrastructure,
  enterRotation,
  type ReleaseEnv,
  retireSlot,
  startSlot,
} from './controller.js';
import { readReleasePackage, releaseCli, releaseEnvProblems, runHook } from './release-cli.js';
import {
  findRecord,
  newRecord,
  type Outcome,
  otherSlot,
  processAlive,
  type ReleaseRecord,
  type ReleaseSpec,
  readState,
  type SlotName,
} from './state.js';
import { runBlueGreen, runCanary, type TrafficResult } from './traffic.js';
import { notify } from './webhook.js';

/**
 * `voyage release deploy`: pre-deploy hooks → migrate up → start the idle slot → ready → smoke →
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

export async function deploy(env: ReleaseEnv, input: DeployInput): Promise<ReleaseRecord> {
  const started = Date.now();
  const { version } = await readReleasePackage(input.dir);
  const release: ReleaseSpec = { version, dir: input.dir, env: input.env };
  const replicas = (await readState(env.stateDir))?.replicas ?? env.config.release.replicas;
  const problems = releaseEnvProblems(input.env, replicas);
  if (problems.length)
    throw new Error(`the release environment cannot work:\n  - ${problems.join('\n  - ')}`);
  await ensureInfrastructure(env, input);

  const claim = await commit(env, (s) => {
    if (s.current) {
      throw new Error(
        processAlive(s.current.pid)
          ? `a deploy of ${s.current.version} is in progress (pid ${s.current.pid}); wait, or run \`voyage release abort\``
          : `a deploy of ${s.current.version} stopped mid-way (pid ${s.current.pid} is gone); run \`voyage release abort\` to restore the live slot`,
      );
    }
    const live = s.live && s.slots[s.live].status === 'live' ? s.live : null;
    const slot: SlotName = live
      ? otherSlot(live)
      : s.slots.blue.status === 'stopped' || s.slots.blue.status === 'empty'
        ? 'blue'
        : 'green';
    const strategy = live ? (input.strategy ?? env.policy.strategy) : 'initial';
    const record = newRecord({
      kind: 'deploy',
      version,
      previousVersion: live ? (s.slots[live].release?.version ?? null) : null,
      slot,
      strategy,
    });
    s.history.push(record);
    s.current = {
      id: record.id,
      pid: process.pid,
      slot,
      version,
      strategy,
      phase: 'starting',
      step: null,
      weight: 0,
      request: null,
      lastSample: null,
    };
    return {
      id: record.id,
      slot,
      live,
      strategy,
      previous: live ? s.slots[live] : null,
      slotBusy: s.slots[slot].status !== 'stopped' && s.slots[slot].status !== 'empty',
    };
  });
  const { id, slot, live, strategy } = claim;
  const { searchPath } = env.config.release;
  // From here on a signal is an abort: traffic goes back to the live slot before the process ends.
  let interrupted: string | null = null;
  const onSignal = (signal: string) => {
    interrupted = `interrupted by ${signal}`;
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  const phase = async (name: string, message: string) => {
    env.progress(message);
    await commit(env, (s) => {
      if (s.current) s.current.phase = name;
      findRecord(s, id).events.push({ at: new Date().toISOString(), message });
    });
  };
  const timing = (key: keyof ReleaseRecord['timings'], value: number) =>
    commit(env, (s) => {
      (findRecord(s, id).timings as Record<string, number>)[key] = value;
    });
  const stopCheck = async () =>
    interrupted ??
    ((await readState(env.stateDir))?.current?.request === 'abort' ? 'aborted by an operator' : null);

  let result: TrafficResult | { outcome: 'failed'; reason: string };
  let slotStarted = false;
  try {
    if (claim.slotBusy) {
      await phase('ending hold', `Slot ${slot} still runs the previous release: draining and stopping it`);
      await commit(env, (s) => {
        if (s.hold?.slot === slot) s.hold = null;
      });
      await retireSlot(env, slot, env.policy.drain.timeout);
    }
    for (const [i, command] of env.policy.hooks.preDeploy.entries()) {
      await phase('hooks', `Pre-deploy hook ${i + 1}/${env.policy.hooks.preDeploy.length}: ${command}`);
      const r = await runHook(env.paths, command, release, searchPath);
      if (r.code !== 0)
        throw new DeployFailure(
          `pre-deploy hook "${command}" failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(-500)}`,
        );
    }
    await phase('migrate', `Migrating the database with ${version} (voyage migrate up)`);
    const migrated = await releaseCli(input.dir, ['migrate', 'up', '--json'], input.env, searchPath);
    if (migrated.code !== 0)
      throw new DeployFailure(`voyage migrate up failed: ${migrated.stderr.trim().slice(-500)}`);
    await timing('migrateMs', migrated.ms);

    await phase(
      'starting',
      `Starting ${version} in slot ${slot} (${replicas} replicas) and waiting for /health/ready`,
    );
    slotStarted = true;
    const { ports, readyMs } = await startSlot(env, slot, release, stopCheck);
    await timing('readyMs', readyMs);

    if (strategy !== 'blueGreen' || env.policy.blueGreen.previewSmoke) {
      await phase('smoke', `Smoke testing slot ${slot} directly (voyage smoke http://127.0.0.1:${ports[0]})`);
      const smoke = await releaseCli(
        input.dir,
        ['smoke', `http://127.0.0.1:${ports[0]}`, '--json'],
        input.env,
        searchPath,
        120_000,
      );
      await timing('smokeMs', smoke.ms);
      if (smoke.code !== 0) {
        let detail = smoke.stderr.trim();
        try {
          const report = JSON.parse(smoke.stdout);
          detail = `step "${report.failedStep}": ${report.steps.at(-1)?.detail}`;
        } catch {}
        throw new DeployFailure(`smoke test failed at ${detail}`);
      }
    }
    await enterRotation(env, slot, ports, replicas);
    await commit(env, (s) => {
      s.slots[slot].status = live ? 'canary' : 'live';
    });

    if (!live) {
      await env.haproxy.setWeights({ [slot]: 100 }, replicas);
      await commit(env, (s) => {
        s.slots[slot].weight = 100;
        s.live = slot;
      });
      result = { outcome: 'promoted' };
      env.progress(`${version} is live in slot ${slot}`);
    } else {
      const targets = [
        { slot, version, ports },
        { slot: live, version: claim.previous!.release!.version, ports: claim.previous!.ports },
      ];
      const run = {
        env,
        recordId: id,
        slot,
        stable: live,
        replicas,
        targets,
        interrupted: () => interrupted,
      };
      result = strategy === 'blueGreen' ? await runBlueGreen(run) : await runCanary(run);
    }
  } catch (err) {
    const reason = (err as Error).message;
    result =
      reason === interrupted || reason === 'aborted by an operator'
        ? { outcome: 'aborted', reason, trigger: 'abort' }
        : { outcome: 'failed', reason };
    env.progress(`Deploy ${result.outcome}: ${reason}`);
    if (live) await env.haproxy.setWeights({ [live]: 100, [slot]: 0 }, replicas).catch(() => undefined);
  }

  const outcome: Outcome = result.outcome;
  if (outcome === 'promoted') {
    if (live) {
      const hold =
        strategy === 'blueGreen' ? env.policy.blueGreen.holdOldSlot : env.policy.canary.holdOldSlot;
      await commit(env, (s) => {
        s.slots[slot].status = 'live';
        s.slots[live].status = 'standby';
        s.live = slot;
        s.hold = { slot: live, until: new Date(Date.now() + hold).toISOString() };
        findRecord(s, id).events.push({
          at: new Date().toISOString(),
          message: `slot ${live} held for rollback for ${hold / 1000} s`,
        });
      });
      env.progress(
        `Previous release kept in slot ${live} for ${hold / 1000} s: \`voyage release rollback\` switches back at once`,
      );
    }
  } else if (slotStarted) {
    env.progress(`Draining and stopping slot ${slot}`);
    await retireSlot(env, slot, env.policy.drain.timeout).catch((err) =>
      env.progress(`stopping slot ${slot} failed: ${(err as Error).message}`),
    );
  }

  const record = await commit(env, (s) => {
    const r = findRecord(s, id);
    r.outcome = outcome;
    r.reason = 'reason' in result ? result.reason : null;
    r.finishedAt = new Date().toISOString();
    r.timings.totalMs = Date.now() - started;
    s.current = null;
    s.deploysTotal[outcome as Exclude<Outcome, 'in-progress'>]++;
    // A rollback is taking traffic back; an abort before any traffic moved is not one.
    if ('trigger' in result && r.timings.firstCanaryAt) s.rollbacksTotal[result.trigger]++;
    if (outcome !== 'promoted' && s.slots[slot].status !== 'stopped') s.slots[slot].status = 'stopped';
    return r;
  });
  process.off('SIGINT', onSignal).off('SIGTERM', onSignal);

  const problem = await notify(env.webhookUrl, {
    event: outcome as 'promoted',
    version,
    previousVersion: record.previousVersion,
    slot,
    reason: record.reason,
    releaseId: id,
    host: env.host,
  });
  if (problem) env.progress(problem);
  return record;
}
