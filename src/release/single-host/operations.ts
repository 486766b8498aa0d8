import { setTimeout as sleep } from 'node:timers/promises';
import { commit, type ReleaseEnv } from './release-env.js';
import { enterRotation, retireSlot, startSlot } from './slots.js';
import {
  newRecord,
  otherSlot,
  processAlive,
  type ReleaseRecord,
  readState,
  requireState,
  type SlotName,
} from './state-file.js';
import {
  abandon,
  allDown,
  beginRollback,
  expireHold as expireHoldIn,
  finishRollback,
  requestAbort,
  requestPromote as requestPromoteIn,
  switchBack,
} from './transitions.js';
import { notify } from './webhook.js';

/**
 * Operator commands besides deploy: promote and abort (requests a running deploy acts on),
 * rollback to the previous release, the end of the hold period, and shutting everything down.
 */

export async function requestPromote(env: ReleaseEnv): Promise<string> {
  return commit(env, requestPromoteIn);
}

/**
 * Asks the running deploy to abort and waits for it to restore traffic; when the deploy process is
 * gone, restores traffic itself.
 */
export async function abort(
  env: ReleaseEnv,
  opts: { waitMs?: number; by?: string } = {},
): Promise<{ version: string; recovered: boolean }> {
  const { waitMs = 120_000, by = 'an operator' } = opts;
  const current = await commit(env, requestAbort);
  if (processAlive(current.pid)) {
    env.progress(`Asked the deploy of ${current.version} (pid ${current.pid}) to abort; waiting for it`);
    const deadline = Date.now() + waitMs;
    while ((await readState(env.stateDir))?.current?.id === current.id) {
      if (Date.now() > deadline) throw new Error(`the deploy did not abort within ${waitMs / 1000} s`);
      await sleep(250);
    }
    return { version: current.version, recovered: false };
  }
  env.progress(`The deploy of ${current.version} (pid ${current.pid}) is gone: restoring the live slot`);
  const state = await requireState(env.stateDir);
  if (state.live && state.live !== current.slot) {
    await env.haproxy.setWeights({ [state.live]: 100, [current.slot]: 0 }, state.replicas);
  }
  if (state.live !== current.slot) await retireSlot(env, current.slot, env.policy.drain.timeout);
  await commit(env, (s) => abandon(s, current.id, by));
  return { version: current.version, recovered: true };
}

/**
 * Back to the previous release. With the old slot still held (the hold period), only the weights
 * change — instant; otherwise the old release is started again first. The newer slot is then
 * drained and stopped.
 */
export async function rollback(env: ReleaseEnv): Promise<ReleaseRecord> {
  const t0 = Date.now();
  const state = await requireState(env.stateDir);
  if (state.current && processAlive(state.current.pid))
    throw new Error(`a deploy of ${state.current.version} is in progress: use \`voyage release abort\``);
  if (!state.live) throw new Error('nothing is live: there is nothing to roll back');
  const from = state.live;
  const to: SlotName = otherSlot(from);
  const target = state.slots[to];
  if (!target.release) throw new Error('there is no previous release to roll back to');
  const record = newRecord({
    kind: 'rollback',
    version: target.release.version,
    previousVersion: state.slots[from].release?.version ?? null,
    slot: to,
    strategy: 'manual',
  });
  await commit(env, (s) => beginRollback(s, record));

  const servers = (await env.haproxy.stats()).filter((x) => x.slot === to);
  const held = target.status === 'standby' && servers.length > 0 && servers.every((x) => x.status === 'UP');
  if (!held) {
    env.progress(`Slot ${to} is not running: starting ${target.release.version} again`);
    const { ports } = await startSlot(env, to, target.release);
    await enterRotation(env, to, ports, state.replicas);
  }
  await env.haproxy.setWeights({ [to]: 100, [from]: 0 }, state.replicas);
  const switchMs = Date.now() - t0;
  env.progress(`Traffic is on ${target.release.version} (slot ${to}) after ${switchMs} ms`);
  await commit(env, (s) => switchBack(s, record.id, to, from, switchMs, held));
  env.progress(`Draining and stopping slot ${from}`);
  await retireSlot(env, from, env.policy.drain.timeout);
  const done = await commit(env, (s) => finishRollback(s, record.id, t0));
  const problem = await notify(env.webhookUrl, {
    event: 'rolled-back',
    version: done.previousVersion ?? '?',
    previousVersion: done.version,
    slot: from,
    reason: 'manual rollback',
    releaseId: done.id,
    host: env.host,
  });
  if (problem) env.progress(problem);
  return done;
}

/** When the hold period is over: drain the old slot and stop it (the agent calls this). */
export async function expireHold(env: ReleaseEnv, now = Date.now()): Promise<SlotName | null> {
  const state = await readState(env.stateDir);
  if (!state?.hold || Date.parse(state.hold.until) > now || state.current) return null;
  const slot = await commit(env, (s) => expireHoldIn(s, now));
  if (slot) await retireSlot(env, slot, env.policy.drain.timeout);
  return slot;
}

/** Stops the slots, HAProxy, the agent and the supervisor; the history stays. */
export async function down(env: ReleaseEnv) {
  await env.pm.shutdown();
  await commit(env, allDown);
}
