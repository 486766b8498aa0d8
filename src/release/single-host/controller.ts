import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../../config/index.js';
import { freePort } from '../../platform/net.js';
import { DEFAULT_POLICY_FILE, loadReleasePolicy, type ReleasePolicy } from '../policy.js';
import { createHaproxyAdmin, type HaproxyAdmin, writeHaproxyConfig } from './haproxy.js';
import type { ProcessManager } from './process-manager.js';
import { writePrometheusTargets } from './prometheus-targets.js';
import {
  initState,
  newState,
  type ReleaseState,
  readState,
  requireState,
  type SlotName,
  type StatePaths,
  statePaths,
  updateState,
} from './state.js';
import { createSupervisor } from './supervisor.js';
import { createSystemd } from './systemd.js';

/**
 * Everything a release command works with: the state directory, the policy, the process manager,
 * HAProxy's admin socket, and where to report.
 */
export interface ReleaseEnv {
  stateDir: string;
  paths: StatePaths;
  policy: ReleasePolicy;
  policyFile: string;
  pm: ProcessManager;
  haproxy: HaproxyAdmin;
  progress: (message: string) => void;
  webhookUrl: string | undefined;
  prometheusUrl: string | undefined;
  host: string;
  config: Config;
}

export interface OpenOptions {
  config: Config;
  stateDir?: string | undefined;
  policyFile?: string | undefined;
  progress?: (message: string) => void;
}

export async function openRelease(opts: OpenOptions): Promise<ReleaseEnv> {
  const stateDir = path.resolve(opts.stateDir ?? opts.config.release.stateDir);
  const paths = statePaths(stateDir);
  const policyFile = opts.policyFile ?? opts.config.release.policyFile ?? DEFAULT_POLICY_FILE;
  const policy = await loadReleasePolicy(policyFile);
  const existing = await readState(stateDir);
  const kind = existing?.processManager ?? opts.config.release.processManager;
  // A replica may take its drain delay plus its shutdown timeout to stop; allow for both.
  const pm =
    kind === 'systemd'
      ? createSystemd(paths)
      : createSupervisor({
          paths,
          searchPath: opts.config.release.searchPath,
          stopWaitSeconds: Math.ceil(policy.drain.timeout / 1000) + 35,
        });
  return {
    stateDir,
    paths,
    policy,
    policyFile,
    pm,
    haproxy: createHaproxyAdmin(paths.haproxySocket),
    progress: opts.progress ?? (() => {}),
    webhookUrl: opts.config.release.webhookUrl,
    prometheusUrl: opts.config.release.prometheusUrl,
    host: os.hostname(),
    config: opts.config,
  };
}

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

/** Rewrites the files that mirror the state: HAProxy's config and Prometheus' targets. */
export async function syncFiles(env: ReleaseEnv, state: ReleaseState) {
  await writeHaproxyConfig(state, env.paths);
  await writePrometheusTargets(state, env.paths);
}

/** updateState, then the mirrored files. */
export async function commit<T>(env: ReleaseEnv, fn: (state: ReleaseState) => T | Promise<T>): Promise<T> {
  let snapshot: ReleaseState | undefined;
  const result = await updateState(env.stateDir, async (s) => {
    const r = await fn(s);
    snapshot = s;
    return r;
  });
  if (snapshot) await syncFiles(env, snapshot);
  return result;
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
  release: NonNullable<ReleaseState['slots'][SlotName]['release']>,
  shouldStop?: () => Promise<string | null>,
): Promise<{ ports: number[]; readyMs: number }> {
  const t0 = Date.now();
  const { replicas } = await requireState(env.stateDir);
  const ports: number[] = [];
  while (ports.length < replicas) {
    const p = await freePort();
    if (!ports.includes(p)) ports.push(p);
  }
  const slotState = await commit(env, (s) => {
    s.slots[slot] = { status: 'starting', release, ports, weight: 0, startId: randomUUID() };
    return s.slots[slot];
  });
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
  await commit(env, (s) => {
    s.slots[slot].status = 'stopped';
    s.slots[slot].weight = 0;
  });
}
