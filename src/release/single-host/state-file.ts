import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import type { MetricVerdict, Verdict } from '../analysis/judge.js';
import type { SourceKind } from '../analysis/sources.js';
import type { SlotStats } from '../analysis/window.js';

/**
 * The controller's state file: which release each slot runs, the traffic split, a deploy in
 * progress, the hold on the old slot, and the history. Every change goes through updateState(),
 * under a lock, written atomically, so the deploy, the agent and operator commands can share it;
 * the changes themselves are the named transitions in ./transitions.ts.
 */
export const SLOTS = ['blue', 'green'] as const;
export type SlotName = (typeof SLOTS)[number];
export const otherSlot = (s: SlotName): SlotName => (s === 'blue' ? 'green' : 'blue');

export interface ReleaseSpec {
  version: string;
  /** A built checkout: bin/voyage.js, dist/, node_modules/. */
  dir: string;
  /** The release's environment (from --env-file and --env), written to each replica's env file. */
  env: Record<string, string>;
}

export type SlotStatus = 'empty' | 'starting' | 'canary' | 'preview' | 'live' | 'standby' | 'stopped';

export interface SlotState {
  status: SlotStatus;
  release: ReleaseSpec | null;
  /** One port per replica. */
  ports: number[];
  /** The slot's share of edge traffic, 0–100. */
  weight: number;
  /** Changes with every start, so that the process manager always starts this exact config. */
  startId: string | null;
}

export type { SlotStats };

export interface AnalysisSample {
  at: string;
  source: SourceKind;
  weight: number;
  canary: SlotStats;
  stable: SlotStats | null;
  verdict: Verdict;
  /** The judge's score, 0–100; null when the fixed thresholds judged or nothing had data. */
  score?: number | null;
  reasons: string[];
  /** Each judged metric's result, for the history and the console's release chart. */
  metrics?: MetricVerdict[];
}

export interface ReleaseEvent {
  at: string;
  message: string;
}

export type Outcome = 'in-progress' | 'promoted' | 'rolled-back' | 'aborted' | 'failed';

export interface ReleaseRecord {
  id: string;
  kind: 'deploy' | 'rollback';
  version: string;
  previousVersion: string | null;
  slot: SlotName;
  strategy: 'initial' | 'canary' | 'blueGreen' | 'manual';
  startedAt: string;
  finishedAt: string | null;
  outcome: Outcome;
  reason: string | null;
  steps: { weight: number; startedAt: string; finishedAt: string | null }[];
  samples: AnalysisSample[];
  events: ReleaseEvent[];
  timings: {
    hooksMs?: number;
    migrateMs?: number;
    readyMs?: number;
    smokeMs?: number;
    /** When the new slot first got edge traffic. */
    firstCanaryAt?: string;
    rolledBackAt?: string;
    promotedAt?: string;
    /** firstCanaryAt → rolledBackAt, for a rollback. */
    rollbackAfterMs?: number;
    /** firstCanaryAt → promotedAt. */
    promotionMs?: number;
    /** Command start → the old version serving again, for a manual rollback. */
    switchMs?: number;
    totalMs?: number;
  };
}

export interface CurrentDeploy {
  id: string;
  pid: number;
  slot: SlotName;
  version: string;
  strategy: ReleaseRecord['strategy'];
  phase: string;
  step: number | null;
  weight: number;
  /** An operator's request, acted on by the deploy loop. */
  request: 'promote' | 'abort' | null;
  lastSample: AnalysisSample | null;
}

export interface ReleaseState {
  schema: 1;
  edge: { host: string; port: number; agentPort: number };
  replicas: number;
  processManager: 'supervisor' | 'systemd';
  live: SlotName | null;
  slots: Record<SlotName, SlotState>;
  current: CurrentDeploy | null;
  /** The previous live slot, kept running for instant rollback until `until`. */
  hold: { slot: SlotName; until: string } | null;
  rollbacksTotal: { analysis: number; abort: number; manual: number };
  deploysTotal: Record<Exclude<Outcome, 'in-progress'>, number>;
  history: ReleaseRecord[];
}

const HISTORY_LIMIT = 100;
const SAMPLES_LIMIT = 300;

export function statePaths(stateDir: string) {
  return {
    dir: stateDir,
    file: path.join(stateDir, 'state.json'),
    haproxyConfig: path.join(stateDir, 'haproxy', 'haproxy.cfg'),
    haproxySocket: path.join(stateDir, 'haproxy', 'admin.sock'),
    supervisorDir: path.join(stateDir, 'supervisor'),
    slotsDir: path.join(stateDir, 'slots'),
    logsDir: path.join(stateDir, 'logs'),
    binDir: path.join(stateDir, 'bin'),
    prometheusDir: path.join(stateDir, 'prometheus'),
    webAssetsDir: path.join(stateDir, 'web-assets'),
  };
}
export type StatePaths = ReturnType<typeof statePaths>;

export function emptySlot(): SlotState {
  return { status: 'empty', release: null, ports: [], weight: 0, startId: null };
}

export function newState(init: Pick<ReleaseState, 'edge' | 'replicas' | 'processManager'>): ReleaseState {
  return {
    schema: 1,
    ...init,
    live: null,
    slots: { blue: emptySlot(), green: emptySlot() },
    current: null,
    hold: null,
    rollbacksTotal: { analysis: 0, abort: 0, manual: 0 },
    deploysTotal: { promoted: 0, 'rolled-back': 0, aborted: 0, failed: 0 },
    history: [],
  };
}

export async function readState(stateDir: string): Promise<ReleaseState | null> {
  try {
    return JSON.parse(await readFile(statePaths(stateDir).file, 'utf8')) as ReleaseState;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function writeState(stateDir: string, state: ReleaseState) {
  const file = statePaths(stateDir).file;
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
}

/** Creates the state file if there is none; returns the state either way. */
export async function initState(stateDir: string, init: () => Promise<ReleaseState>): Promise<ReleaseState> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const release = await lockfile.lock(stateDir, lockOptions(stateDir));
  try {
    const existing = await readState(stateDir);
    if (existing) return existing;
    const state = await init();
    await writeState(stateDir, state);
    return state;
  } finally {
    await release();
  }
}

function lockOptions(stateDir: string) {
  return {
    lockfilePath: path.join(stateDir, 'state.lock'),
    stale: 10_000,
    retries: { retries: 100, minTimeout: 10, maxTimeout: 100 },
  };
}

/** Read, change and write the state under the lock. `fn` may return a value. */
/**
 * Applies `fn` to the state under the lock and writes it; `afterWrite` runs while the lock is still
 * held, so files that mirror the state are written in the same order as the state itself.
 */
export async function updateState<T>(
  stateDir: string,
  fn: (state: ReleaseState) => T | Promise<T>,
  afterWrite?: (state: ReleaseState) => Promise<void>,
): Promise<T> {
  const release = await lockfile.lock(stateDir, lockOptions(stateDir));
  try {
    const state = await readState(stateDir);
    if (!state) throw new Error(`no release state in ${stateDir}: nothing has been deployed there`);
    const result = await fn(state);
    state.history = state.history.slice(-HISTORY_LIMIT);
    for (const r of state.history) r.samples = r.samples.slice(-SAMPLES_LIMIT);
    await writeState(stateDir, state);
    if (afterWrite) await afterWrite(state);
    return result;
  } finally {
    await release();
  }
}

export async function requireState(stateDir: string): Promise<ReleaseState> {
  const state = await readState(stateDir);
  if (!state) throw new Error(`no release state in ${stateDir}: nothing has been deployed there`);
  return state;
}

export function findRecord(state: ReleaseState, id: string): ReleaseRecord {
  const record = state.history.find((r) => r.id === id);
  if (!record) throw new Error(`release ${id} is not in the history`);
  return record;
}

export function newRecord(
  init: Omit<
    ReleaseRecord,
    'id' | 'startedAt' | 'finishedAt' | 'outcome' | 'reason' | 'steps' | 'samples' | 'events' | 'timings'
  >,
): ReleaseRecord {
  return {
    id: `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomUUID().slice(0, 6)}`,
    ...init,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    outcome: 'in-progress',
    reason: null,
    steps: [],
    samples: [],
    events: [],
    timings: {},
  };
}

/** True when a process with this pid exists (signal 0 checks without touching it). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
