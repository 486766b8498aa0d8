import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ReleaseState, SlotName, SlotState, StatePaths } from './state-file.js';

/**
 * What the controller needs from a process supervisor: keep the edge (HAProxy, the release agent)
 * and each slot's replicas running, restarting crashed ones with backoff. Implemented by
 * supervisord (no systemd needed) and by systemd units (deploy/systemd/).
 */
export interface ProgramStatus {
  name: string;
  /** RUNNING, STARTING, BACKOFF, STOPPED, FATAL, EXITED (supervisor) or active/… (systemd). */
  state: string;
  pid: number | null;
}

export interface ProcessManager {
  kind: 'supervisor' | 'systemd';
  /** Starts the supervisor itself if needed, then HAProxy and the release agent. */
  ensureEdge(state: ReleaseState): Promise<void>;
  /** (Re)starts every replica of a slot with its release; returns without waiting for readiness. */
  startSlot(slot: SlotName, slotState: SlotState, replicas: number): Promise<void>;
  /** Stops a slot's replicas with SIGTERM (each drains itself), waiting for them to exit. */
  stopSlot(slot: SlotName, replicas: number): Promise<void>;
  status(): Promise<ProgramStatus[]>;
  /** Stops everything it runs, itself included. */
  shutdown(): Promise<void>;
}

export const programName = (slot: SlotName, replica: number) => `voyage-${slot}-${replica + 1}`;

const SAFE_VALUE = /^[A-Za-z0-9_./:@%+,=-]*$/;

/**
 * KEY=value lines that both `node --env-file` and systemd's EnvironmentFile read the same way;
 * values that need quoting are double-quoted, and the ones neither could read are refused.
 */
export function renderEnvFile(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([key, value]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`environment name "${key}" is not valid`);
      if (SAFE_VALUE.test(value)) return `${key}=${value}`;
      if (/["\\\n\r$`]/.test(value))
        throw new Error(
          `${key}: values with quotes, backslashes, $, backticks or newlines are not supported`,
        );
      return `${key}="${value}"`;
    })
    .join('\n')
    .concat('\n');
}

export function replicaEnvFile(paths: StatePaths, slot: SlotName, replica: number) {
  return path.join(paths.slotsDir, `${slot}-${replica + 1}.env`);
}

/** Each replica's environment: the release's, plus where to listen and which slot it is. */
export async function writeReplicaEnvFiles(
  paths: StatePaths,
  slot: SlotName,
  s: SlotState,
  replicas: number,
) {
  if (!s.release) throw new Error(`slot ${slot} has no release to start`);
  await mkdir(paths.slotsDir, { recursive: true, mode: 0o700 });
  for (let i = 0; i < replicas; i++) {
    const env = {
      ...s.release.env,
      PORT: String(s.ports[i]),
      HOST: '127.0.0.1',
      VOYAGE_SLOT: slot,
      WEB_SHARED_ASSETS_DIR: paths.webAssetsDir,
    };
    await writeFile(replicaEnvFile(paths, slot, i), renderEnvFile(env), { mode: 0o600 });
  }
}
