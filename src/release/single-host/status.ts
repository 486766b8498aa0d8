import { add, cumulativeFromText, statsOf } from '../analysis/window.js';
import type { ServerStat } from './haproxy.js';
import type { ProgramStatus } from './process-manager.js';
import type { ReleaseEnv } from './release-env.js';
import { processAlive, type ReleaseRecord, requireState, SLOTS, type SlotStats } from './state-file.js';

/**
 * `voyage release status`: the state file joined with what is true right now — HAProxy's servers
 * and weights, the supervisor's processes, and each running slot's error rate and p95 (from the
 * deploy's last analysis sample, or since the slot started).
 */
export async function releaseStatus(env: ReleaseEnv) {
  const state = await requireState(env.stateDir);
  const servers: ServerStat[] = (await env.haproxy.reachable()) ? await env.haproxy.stats() : [];
  const programs: ProgramStatus[] = await env.pm.status().catch(() => []);
  const slots = await Promise.all(
    SLOTS.map(async (slot) => {
      const s = state.slots[slot];
      const mine = servers.filter((x) => x.slot === slot);
      let sinceStart: SlotStats | null = null;
      if (s.release && s.status !== 'stopped') {
        const pages = await Promise.all(
          s.ports.map((p) =>
            fetch(`http://127.0.0.1:${p}/metrics`, { signal: AbortSignal.timeout(2_000) })
              .then((r) => r.text())
              .catch(() => ''),
          ),
        );
        const totals = pages.filter(Boolean).map((text) => cumulativeFromText(text));
        if (totals.length) sinceStart = statsOf(totals.reduce(add));
      }
      return {
        slot,
        status: s.status,
        version: s.release?.version ?? null,
        dir: s.release?.dir ?? null,
        weight: mine.length ? (mine[0]?.weight ?? 0) : s.weight,
        servers: mine.map((x) => ({
          name: x.name,
          status: x.status,
          weight: x.weight,
          sessions: x.current,
          http5xx: x.http5xx,
        })),
        processes: programs
          .filter((p) => p.name.startsWith(`voyage-${slot}-`) || p.name.startsWith(`voyage-slot@${slot}-`))
          .map((p) => ({ name: p.name, state: p.state, pid: p.pid })),
        ports: s.ports,
        sinceStart,
      };
    }),
  );
  const current = state.current
    ? {
        ...state.current,
        alive: processAlive(state.current.pid),
        steps: state.current.strategy === 'canary' ? env.policy.canary.steps.map((s) => s.weight) : null,
      }
    : null;
  return {
    edge: `http://${state.edge.host === '0.0.0.0' ? '127.0.0.1' : state.edge.host}:${state.edge.port}`,
    agent: `http://127.0.0.1:${state.edge.agentPort}/metrics`,
    processManager: state.processManager,
    live: state.live,
    slots,
    current,
    hold: state.hold
      ? {
          ...state.hold,
          remainingSeconds: Math.max(0, Math.round((Date.parse(state.hold.until) - Date.now()) / 1000)),
        }
      : null,
    edgeProcesses: programs.filter((p) => !/^voyage-(slot@)?(blue|green)/.test(p.name)),
    lastRelease: state.history.at(-1) ?? null,
    rollbacksTotal: state.rollbacksTotal,
  };
}

export type ReleaseStatus = Awaited<ReturnType<typeof releaseStatus>>;

const pct = (r: number | null | undefined) =>
  r === null || r === undefined ? '–' : `${(r * 100).toFixed(2)} %`;
const ms = (s: number | null | undefined) =>
  s === null || s === undefined ? '–' : `${Math.round(s * 1000)} ms`;

export function formatStatus(st: ReleaseStatus): string {
  const lines: string[] = [`Edge ${st.edge}  (agent metrics ${st.agent}, ${st.processManager})`];
  for (const s of st.slots) {
    const live = st.live === s.slot ? ' ← live' : '';
    lines.push(
      `  ${s.slot.padEnd(5)} ${s.status.padEnd(8)} ${(s.version ?? '—').padEnd(12)} weight ${String(s.weight).padStart(3)}${live}`,
    );
    if (s.servers.length && s.status !== 'stopped' && s.status !== 'empty')
      lines.push(
        `        servers: ${s.servers.map((x) => `${x.name} ${x.status} (${x.sessions} open)`).join(', ')}`,
      );
    if (s.processes.length)
      lines.push(
        `        processes: ${s.processes.map((p) => `${p.name} ${p.state}${p.pid ? ` pid ${p.pid}` : ''}`).join(', ')}`,
      );
    if (s.sinceStart)
      lines.push(
        `        since start: ${s.sinceStart.requests} requests, ${pct(s.sinceStart.errorRate)} 5xx, p95 ${ms(s.sinceStart.p95Seconds)}`,
      );
  }
  if (st.current) {
    const c = st.current;
    const step = c.steps && c.step !== null ? `step ${c.step + 1}/${c.steps.length}, ` : '';
    lines.push(
      `Deploying ${c.version} to ${c.slot} (${c.strategy}): ${c.phase}, ${step}weight ${c.weight} %${c.alive ? '' : ' — the deploy process is gone: run `voyage release abort`'}`,
    );
    if (c.request) lines.push(`  requested: ${c.request}`);
    const s = c.lastSample;
    if (s)
      lines.push(
        `  last analysis (${s.at}): ${s.verdict}; new ${s.canary.requests} req, ${pct(s.canary.errorRate)} 5xx, p95 ${ms(s.canary.p95Seconds)}` +
          (s.stable ? `; stable ${pct(s.stable.errorRate)} 5xx, p95 ${ms(s.stable.p95Seconds)}` : '') +
          (s.reasons.length ? ` — ${s.reasons.join('; ')}` : ''),
      );
  }
  if (st.hold) lines.push(`Slot ${st.hold.slot} held for rollback for another ${st.hold.remainingSeconds} s`);
  if (st.lastRelease) lines.push(`Last: ${summary(st.lastRelease)}`);
  return lines.join('\n');
}

export function summary(r: ReleaseRecord): string {
  const t = r.timings;
  const figures = [
    t.rollbackAfterMs !== undefined
      ? `rolled back ${(t.rollbackAfterMs / 1000).toFixed(1)} s after the first canary request`
      : '',
    t.promotionMs !== undefined
      ? `promoted ${(t.promotionMs / 1000).toFixed(1)} s after the first canary request`
      : '',
    t.switchMs !== undefined ? `switched in ${t.switchMs} ms` : '',
  ].filter(Boolean);
  return `${r.kind} ${r.version} (${r.strategy}) ${r.outcome}${r.reason ? `: ${r.reason}` : ''}${figures.length ? ` — ${figures.join(', ')}` : ''}`;
}
