import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../config/index.js';
import { DEFAULT_POLICY_FILE, loadReleasePolicy, type ReleasePolicy } from '../policy.js';
import { createHaproxyAdmin, type HaproxyAdmin, writeHaproxyConfig } from './haproxy.js';
import type { ProcessManager } from './process-manager.js';
import { writePrometheusTargets } from './prometheus-targets.js';
import { type ReleaseState, readState, type StatePaths, statePaths, updateState } from './state-file.js';
import { createSupervisor } from './supervisor.js';
import { createSystemd } from './systemd.js';

/**
 * The release environment: everything a release command works with (the state directory, the
 * policy, the process manager, HAProxy's admin socket, where to report), and commit(), the one
 * way to apply a transition (./transitions.ts) to the state and the files that mirror it.
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

/** Rewrites the files that mirror the state: HAProxy's config and Prometheus' targets. */
export async function syncFiles(env: ReleaseEnv, state: ReleaseState) {
  await writeHaproxyConfig(state, env.paths);
  await writePrometheusTargets(state, env.paths);
}

/** Applies `fn` (a transition) to the state under the lock, then rewrites the mirrored files. */
export async function commit<T>(env: ReleaseEnv, fn: (state: ReleaseState) => T | Promise<T>): Promise<T> {
  return updateState(env.stateDir, fn, (state) => syncFiles(env, state));
}
