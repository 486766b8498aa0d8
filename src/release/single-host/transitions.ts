import {
  type AnalysisSample,
  findRecord,
  newRecord,
  type Outcome,
  otherSlot,
  processAlive,
  type ReleaseRecord,
  type ReleaseSpec,
  type ReleaseState,
  type SlotName,
  type SlotState,
} from './state-file.js';

/**
 * Every change a release makes to the state, by name. Each is a plain function of the state read
 * under the lock (see commit() in ./release-env.ts), so that following a release through the code
 * means reading this file top to bottom: begin, phases, slot start, weights, samples, promote or
 * roll back, finish; then the operator's requests, rollback and the end of the hold.
 */
const now = () => new Date().toISOString();

export interface Claim {
  id: string;
  slot: SlotName;
  /** The slot serving now, or null on the first deploy. */
  live: SlotName | null;
  strategy: ReleaseRecord['strategy'];
  previous: SlotState | null;
  /** The target slot still runs an older release (the hold period) and must be stopped first. */
  slotBusy: boolean;
}

/** One deploy at a time: claims the idle slot and opens the record, or says why not. */
export function begin(
  s: ReleaseState,
  input: { version: string; strategy: 'canary' | 'blueGreen'; pid: number },
): Claim {
  if (s.current) {
    throw new Error(
      processAlive(s.current.pid)
        ? `a deploy of ${s.current.version} is in progress (pid ${s.current.pid}); wait, or run \`voyage release abort\``
        : `a deploy of ${s.current.version} stopped mid-way (pid ${s.current.pid} is gone); run \`voyage release abort\` to restore the live slot`,
    );
  }
  const live = s.live && s.slots[s.live].status === 'live' ? s.live : null;
  const idle = (x: SlotState) => x.status === 'stopped' || x.status === 'empty';
  const slot: SlotName = live ? otherSlot(live) : idle(s.slots.blue) ? 'blue' : 'green';
  const strategy = live ? input.strategy : 'initial';
  const record = newRecord({
    kind: 'deploy',
    version: input.version,
    previousVersion: live ? (s.slots[live].release?.version ?? null) : null,
    slot,
    strategy,
  });
  s.history.push(record);
  s.current = {
    id: record.id,
    pid: input.pid,
    slot,
    version: input.version,
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
    slotBusy: !idle(s.slots[slot]),
  };
}

export function enterPhase(s: ReleaseState, id: string, phase: string, message: string) {
  if (s.current) s.current.phase = phase;
  findRecord(s, id).events.push({ at: now(), message });
}

export function setPhase(s: ReleaseState, phase: string) {
  if (s.current) s.current.phase = phase;
}

export function recordTiming(
  s: ReleaseState,
  id: string,
  key: keyof ReleaseRecord['timings'],
  value: number,
) {
  (findRecord(s, id).timings as Record<string, number>)[key] = value;
}

export function recordEvent(s: ReleaseState, id: string, message: string) {
  findRecord(s, id).events.push({ at: now(), message });
}

/** The held slot is about to be reused: there is nothing to roll back to any more. */
export function releaseHold(s: ReleaseState, slot: SlotName) {
  if (s.hold?.slot === slot) s.hold = null;
}

/** Fresh ports and a new start id, so that the process manager starts exactly this release. */
export function slotStarting(
  s: ReleaseState,
  slot: SlotName,
  release: ReleaseSpec,
  ports: number[],
  startId: string,
) {
  s.slots[slot] = { status: 'starting', release, ports, weight: 0, startId };
  return s.slots[slot];
}

/** In HAProxy at weight 0: a canary beside the live slot, or live itself on the first deploy. */
export function slotInRotation(s: ReleaseState, slot: SlotName, beside: SlotName | null) {
  s.slots[slot].status = beside ? 'canary' : 'live';
}

export function firstLive(s: ReleaseState, slot: SlotName) {
  s.slots[slot].weight = 100;
  s.live = slot;
}

export function slotStopped(s: ReleaseState, slot: SlotName) {
  s.slots[slot].status = 'stopped';
  s.slots[slot].weight = 0;
}

/** The state's copy of the split HAProxy was just given. */
export function setWeights(s: ReleaseState, slot: SlotName, stable: SlotName, weight: number) {
  s.slots[slot].weight = weight;
  s.slots[stable].weight = 100 - weight;
  if (s.current) s.current.weight = weight;
}

export function startStep(s: ReleaseState, id: string, step: number | null, weight: number, at: number) {
  findRecord(s, id).steps.push({ weight, startedAt: new Date(at).toISOString(), finishedAt: null });
  if (s.current && step !== null) {
    s.current.step = step;
    s.current.phase = 'canary';
  }
}

export function finishStep(s: ReleaseState, id: string) {
  const last = findRecord(s, id).steps.at(-1);
  if (last) last.finishedAt = now();
}

export function enterPreview(s: ReleaseState, slot: SlotName) {
  s.slots[slot].status = 'preview';
  if (s.current) s.current.phase = 'preview';
}

export function recordSample(s: ReleaseState, id: string, sample: AnalysisSample) {
  findRecord(s, id).samples.push(sample);
  if (s.current) s.current.lastSample = sample;
}

export function markFirstTraffic(s: ReleaseState, id: string, at: number) {
  findRecord(s, id).timings.firstCanaryAt ??= new Date(at).toISOString();
}

export function markPromoted(s: ReleaseState, id: string, at: number) {
  const t = findRecord(s, id).timings;
  t.promotedAt = new Date(at).toISOString();
  if (t.firstCanaryAt) t.promotionMs = at - Date.parse(t.firstCanaryAt);
}

export function markRolledBack(s: ReleaseState, id: string, at: number) {
  const t = findRecord(s, id).timings;
  t.rolledBackAt = new Date(at).toISOString();
  if (t.firstCanaryAt) t.rollbackAfterMs = at - Date.parse(t.firstCanaryAt);
}

/** The new slot is live; the old one keeps running at weight 0 until `until` for instant rollback. */
export function promote(s: ReleaseState, id: string, slot: SlotName, old: SlotName, holdMs: number) {
  s.slots[slot].status = 'live';
  s.slots[old].status = 'standby';
  s.live = slot;
  s.hold = { slot: old, until: new Date(Date.now() + holdMs).toISOString() };
  recordEvent(s, id, `slot ${old} held for rollback for ${holdMs / 1000} s`);
}

export type Trigger = 'analysis' | 'abort';

/** Closes the deploy's record and counts it; a rollback is counted only if traffic had moved. */
export function finish(
  s: ReleaseState,
  id: string,
  slot: SlotName,
  result: { outcome: Exclude<Outcome, 'in-progress'>; reason?: string; trigger?: Trigger },
  startedAt: number,
): ReleaseRecord {
  const r = findRecord(s, id);
  r.outcome = result.outcome;
  r.reason = result.reason ?? null;
  r.finishedAt = now();
  r.timings.totalMs = Date.now() - startedAt;
  s.current = null;
  s.deploysTotal[result.outcome]++;
  if (result.trigger && r.timings.firstCanaryAt) s.rollbacksTotal[result.trigger]++;
  if (result.outcome !== 'promoted' && s.slots[slot].status !== 'stopped') s.slots[slot].status = 'stopped';
  return r;
}

// Operator requests: a running deploy polls `current.request` and acts on it.

export function requestPromote(s: ReleaseState): string {
  if (!s.current || !processAlive(s.current.pid)) throw new Error('no deploy is in progress');
  s.current.request = 'promote';
  return s.current.version;
}

export function requestAbort(s: ReleaseState) {
  if (!s.current) throw new Error('no deploy is in progress');
  if (processAlive(s.current.pid)) s.current.request = 'abort';
  return { ...s.current };
}

export function clearRequest(s: ReleaseState) {
  if (s.current) s.current.request = null;
}

/** A deploy whose process died, closed by whoever restored the live slot. */
export function abandon(s: ReleaseState, id: string, by: string) {
  const r = s.history.find((h) => h.id === id);
  if (r) {
    r.outcome = 'aborted';
    r.reason = `the deploy process died; aborted by ${by}`;
    r.finishedAt = now();
  }
  s.deploysTotal.aborted++;
  if (r?.timings.firstCanaryAt) s.rollbacksTotal.abort++;
  s.current = null;
}

// Manual rollback: back to the other slot's release.

export function beginRollback(s: ReleaseState, record: ReleaseRecord) {
  s.history.push(record);
}

export function switchBack(
  s: ReleaseState,
  id: string,
  to: SlotName,
  from: SlotName,
  switchMs: number,
  held: boolean,
) {
  s.slots[to].status = 'live';
  s.slots[to].weight = 100;
  s.slots[from].status = 'standby';
  s.slots[from].weight = 0;
  s.live = to;
  s.hold = null;
  s.rollbacksTotal.manual++;
  findRecord(s, id).timings.switchMs = switchMs;
  recordEvent(s, id, held ? 'switched to the held slot' : 'restarted the previous release');
}

export function finishRollback(s: ReleaseState, id: string, startedAt: number): ReleaseRecord {
  const r = findRecord(s, id);
  r.outcome = 'rolled-back';
  r.finishedAt = now();
  r.timings.totalMs = Date.now() - startedAt;
  return r;
}

/** The hold is over (and no deploy runs): returns the slot to retire, or null. */
export function expireHold(s: ReleaseState, at: number): SlotName | null {
  if (!s.hold || Date.parse(s.hold.until) > at || s.current) return null;
  const held = s.hold.slot;
  s.hold = null;
  s.history.at(-1)?.events.push({ at: now(), message: `hold over: slot ${held} drained and stopped` });
  return held;
}

/** Everything stopped by `voyage release down`; the history stays. */
export function allDown(s: ReleaseState) {
  for (const slot of ['blue', 'green'] as const) {
    s.slots[slot].status = s.slots[slot].release ? 'stopped' : 'empty';
    s.slots[slot].weight = 0;
  }
  s.live = null;
  s.hold = null;
  s.current = null;
}
