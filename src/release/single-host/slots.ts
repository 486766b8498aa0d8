import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../platform/net.js';
import { commit, type ReleaseEnv } from './release-env.js';
import { initState, newState, type ReleaseSpec, requireState, type SlotName } from './state-file.js';
import { slotStarting, slotStopped } from './transitions.js';

/**
 * A slot's life on the host: the edge it needs (supervisor, HAProxy, the agent), starting its
 * replicas until ready, entering HAProxy's rotation, and retiring without dropping a request.
 */
/** Creates the state on first use and makes sure supervisor, HAProxy and the agent run. */
export async function ensureInfrastructure(
  env: ReleaseEnv,
  init: { edgePort?: number; agentPort?: number } = {},
) {
  const { config } = env;
  const state = await initState(env.stateDir, async () =>
    newState({
      edge: {
        host: config.release.edgeHost,
        port: init.edgePort ?? config.release.edgePort,
        agentPort: init.agentPort ?? (await freePort()),
      },
      replicas: config.release.replicas,
      processManager: config.release.processManager,
    }),
  );
  await env.pm.ensureEdge(state);
  const deadline = Date.now() + 20_000;
  while (!(await env.haproxy.reachable())) {
    if (Date.now() > deadline)
      throw new Error(`HAProxy's admin socket ${env.paths.haproxySocket} does not answer`);
    await sleep(200);
  }
  return state;
}

/** Polls every replica's /health/ready until all answer 200. */
export async function waitReady(
  env: ReleaseEnv,
  slot: SlotName,
  ports: number[],
  timeoutMs: number,
  shouldStop: () => Promise<string | null> = async () => null,
) {
  const deadline = Date.now() + timeoutMs;
  const last: Record<number, string> = {};
  const ready = new Set<number>();
  while (Date.now() < deadline) {
    await Promise.all(
      ports
        .filter((p) => !ready.has(p))
        .map(async (port) => {
          try {
            const res = await fetch(`http://127.0.0.1:${port}/health/ready`, {
              signal: AbortSignal.timeout(3_000),
            });
            const text = await res.text();
            if (res.status === 200) ready.add(port);
            else last[port] = `HTTP ${res.status} ${text.slice(0, 300)}`;
          } catch (err) {
            last[port] = (err as Error).message;
          }
        }),
    );
    if (ready.size === ports.length) return;
    const stop = await shouldStop();
    if (stop) throw new Error(stop);
    await sleep(250);
  }
  const logs = await Promise.all(
    ports.map((_, i) => tail(path.join(env.paths.logsDir, `voyage-${slot}-${i + 1}.log`), 5)),
  );
  const detail = ports
    .filter((p) => !ready.has(p))
    .map((p) => `127.0.0.1:${p}: ${last[p] ?? 'no answer'}`)
    .join('; ');
  throw new Error(
    `slot ${slot} was not ready within ${Math.round(timeoutMs / 1000)} s (${detail})${logs.some(Boolean) ? `\nlast log lines:\n${logs.filter(Boolean).join('\n')}` : ''}`,
  );
}

async function tail(file: string, lines: number): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Starts a slot's replicas with a release on fresh ports and waits for readiness. */
export async function startSlot(
  env: ReleaseEnv,
  slot: SlotName,
  release: ReleaseSpec,
  shouldStop?: () => Promise<string | null>,
): Promise<{ ports: number[]; readyMs: number }> {
  const t0 = Date.now();
  const { replicas } = await requireState(env.stateDir);
  const ports: number[] = [];
  while (ports.length < replicas) {
    const p = await freePort();
    if (!ports.includes(p)) ports.push(p);
  }
  const slotState = await commit(env, (s) => slotStarting(s, slot, release, ports, randomUUID()));
  await env.pm.startSlot(slot, slotState, replicas);
  await waitReady(env, slot, ports, env.policy.readiness.timeout, shouldStop);
  return { ports, readyMs: Date.now() - t0 };
}

/** Puts a ready slot's servers into HAProxy at weight 0 and waits for HAProxy's checks to pass. */
export async function enterRotation(env: ReleaseEnv, slot: SlotName, ports: number[], replicas: number) {
  await env.haproxy.setWeights({ [slot]: 0 }, replicas);
  await env.haproxy.placeSlot(slot, ports, replicas, 'ready');
  await env.haproxy.waitUp(slot, 15_000);
}

/**
 * Takes a slot out of rotation without dropping a request: weight 0 and drain (no new requests),
 * wait for in-flight ones, maintenance, then SIGTERM to its replicas.
 */
export async function retireSlot(env: ReleaseEnv, slot: SlotName, drainTimeoutMs: number) {
  const { replicas } = await requireState(env.stateDir);
  if (await env.haproxy.reachable()) {
    await env.haproxy.setWeights({ [slot]: 0 }, replicas);
    await env.haproxy.setSlotState(slot, replicas, 'drain');
    await env.haproxy.waitIdle(slot, drainTimeoutMs);
    await env.haproxy.setSlotState(slot, replicas, 'maint');
  }
  await env.pm.stopSlot(slot, replicas);
  await commit(env, (s) => slotStopped(s, slot));
}
