import { setTimeout as sleep } from 'node:timers/promises';
import { commit, enterRotation, type ReleaseEnv, retireSlot, startSlot } from './controller.js';
import {
  newRecord,
  otherSlot,
  processAlive,
  type ReleaseRecord,
  readState,
  requireState,
  type SlotName,
} from './state.js';
import { notify } from './webhook.js';

/**
 * Operator commands besides deploy: promote and abort (requests a running deploy acts on),
 * rollback to the previous release, the end of the hold period, and shutting everything down.
 */

export async function requestPromote(env: ReleaseEnv): Promise<string> {
  return commit(env, (s) => {
    if (!s.current || !processAlive(s.current.pid)) throw new Error('no deploy is in progress');
    s.current.request = 'promote';
    return s.current.version;
  });
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
  const current = await commit(env, (s) => {
    if (!s.current) throw new Error('no deploy is in progress');
    if (processAlive(s.current.pid)) s.current.request = 'abort';
    return { ...s.current };
  });
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
  await commit(env, (s) => {
    const r = s.history.find((h) => h.id === current.id);
    if (r) {
      r.outcome = 'aborted';
      r.reason = `the deploy process died; aborted by ${by}`;
      r.finishedAt = new Date().toISOString();
    }
    s.deploysTotal.aborted++;
    if (r?.timings.firstCanaryAt) s.rollbacksTotal.abort++;
    s.current = null;
  });
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
  await commit(env, (s) => {
    s.history.push(record);
  });

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
  await commit(env, (s) => {
    s.slots[to].status = 'live';
    s.slots[to].weight = 100;
    s.slots[from].status = 'standby';
    s.slots[from].weight = 0;
    s.live = to;
    s.hold = null;
    s.rollbacksTotal.manual++;
    const r = s.history.find((h) => h.id === record.id)!;
    r.timings.switchMs = switchMs;
    r.events.push({
      at: new Date().toISOString(),
      message: held ? 'switched to the held slot' : 'restarted the previous release',
    });
  });
  env.progress(`Draining and stopping slot ${from}`);
  await retireSlot(env, from, env.policy.drain.timeout);
  const done = await commit(env, (s) => {
    const r = s.history.find((h) => h.id === record.id)!;
    r.outcome = 'rolled-back';
    r.finishedAt = new Date().toISOString();
    r.timings.totalMs = Date.now() - t0;
    return r;
  });
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
  const slot = await commit(env, (s) => {
    if (!s.hold || Date.parse(s.hold.until) > now || s.current) return null;
    const held = s.hold.slot;
    s.hold = null;
    s.history
      .at(-1)
      ?.events.push({ at: new Date().toISOString(), message: `hold over: slot ${held} drained and stopped` });
    return held;
  });
  if (slot) await retireSlot(env, slot, env.policy.drain.timeout);
  return slot;
}

/** Stops the slots, HAProxy, the agent and the supervisor; the history stays. */
export async function down(env: ReleaseEnv) {
  await env.pm.shutdown();
  await commit(env, (s) => {
    for (const slot of ['blue', 'green'] as const) {
      s.slots[slot].status = s.slots[slot].release ? 'stopped' : 'empty';
      s.slots[slot].weight = 0;
    }
    s.live = null;
    s.hold = null;
    s.current = null;
  });
}
