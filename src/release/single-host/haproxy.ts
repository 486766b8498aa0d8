import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PROJECT_ROOT } from '../../version.js';
import { type ReleaseState, SLOTS, type SlotName, type StatePaths } from './state-file.js';

/**
 * HAProxy as the edge: one backend with `replicas` servers per slot (blue-1, green-1, …). The
 * config is rendered from deploy/haproxy/voyage.cfg.tmpl; releases then change weights and states
 * through the runtime API on the admin socket.
 */
export const HAPROXY_TEMPLATE = path.join(PROJECT_ROOT, 'deploy/haproxy/voyage.cfg.tmpl');
export const BACKEND = 'voyage';

export const serverName = (slot: SlotName, replica: number) => `${slot}-${replica + 1}`;

/** A slot is in rotation (enabled in HAProxy) in these states; otherwise its servers are in maintenance. */
export const IN_ROTATION = new Set(['canary', 'preview', 'live', 'standby']);

export async function renderHaproxyConfig(state: ReleaseState, paths: StatePaths): Promise<string> {
  const template = await readFile(HAPROXY_TEMPLATE, 'utf8');
  const servers = SLOTS.flatMap((slot) => {
    const s = state.slots[slot];
    return Array.from({ length: state.replicas }, (_, i) => {
      const port = s.ports[i] ?? 1;
      const enabled = IN_ROTATION.has(s.status) && s.ports[i] !== undefined;
      return `  server ${serverName(slot, i)} 127.0.0.1:${port} weight ${enabled ? s.weight : 0} check${enabled ? '' : ' disabled'}`;
    });
  });
  const values: Record<string, string> = {
    adminSocket: paths.haproxySocket,
    edgeHost: state.edge.host,
    edgePort: String(state.edge.port),
    servers: servers.join('\n'),
  };
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const v = values[key];
    if (v === undefined) throw new Error(`${HAPROXY_TEMPLATE}: unknown placeholder {{${key}}}`);
    return v;
  });
}

export async function writeHaproxyConfig(state: ReleaseState, paths: StatePaths) {
  await writeFile(paths.haproxyConfig, await renderHaproxyConfig(state, paths));
}

export interface ServerStat {
  name: string;
  slot: SlotName;
  replica: number;
  /** UP, DOWN, MAINT, DRAIN, or a transition such as "UP 1/2". */
  status: string;
  weight: number;
  /** Sessions open right now (in-flight requests and idle keep-alive). */
  current: number;
  total: number;
  http5xx: number;
}

export type ServerAdminState = 'ready' | 'drain' | 'maint';

export function createHaproxyAdmin(socket: string) {
  async function command(line: string, timeoutMs = 5_000): Promise<string> {
    return new Promise((resolve, reject) => {
      let out = '';
      const conn = net.connect(socket);
      conn.setTimeout(timeoutMs, () =>
        conn.destroy(new Error(`HAProxy admin socket timed out on "${line}"`)),
      );
      conn.on('connect', () => conn.end(`${line}\n`));
      conn.on('data', (d) => {
        out += d;
      });
      conn.on('end', () => resolve(out));
      conn.on('error', reject);
    });
  }

  /** Runs `set` commands in one session; any answer other than an address notice is an error. */
  async function apply(commands: string[]) {
    if (!commands.length) return;
    const answer = await command(commands.join('; '));
    const problems = answer
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !/^no need to change|changed from/.test(l));
    if (problems.length) throw new Error(`HAProxy refused "${commands.join('; ')}": ${problems.join(' / ')}`);
  }

  const admin = {
    command,

    async reachable(): Promise<boolean> {
      try {
        await command('show info', 1_000);
        return true;
      } catch {
        return false;
      }
    },

    /** Points a slot's servers at its ports and sets their state (weights unchanged). */
    async placeSlot(slot: SlotName, ports: number[], replicas: number, adminState: ServerAdminState) {
      const commands: string[] = [];
      for (let i = 0; i < replicas; i++) {
        const server = `${BACKEND}/${serverName(slot, i)}`;
        if (ports[i] !== undefined) commands.push(`set server ${server} addr 127.0.0.1 port ${ports[i]}`);
        commands.push(`set server ${server} state ${ports[i] === undefined ? 'maint' : adminState}`);
      }
      await apply(commands);
    },

    async setSlotState(slot: SlotName, replicas: number, adminState: ServerAdminState) {
      await apply(
        Array.from(
          { length: replicas },
          (_, i) => `set server ${BACKEND}/${serverName(slot, i)} state ${adminState}`,
        ),
      );
    },

    /** Sets both slots' weights in one admin session, so that the split changes at once. */
    async setWeights(weights: Partial<Record<SlotName, number>>, replicas: number) {
      const commands: string[] = [];
      for (const [slot, weight] of Object.entries(weights) as [SlotName, number][]) {
        for (let i = 0; i < replicas; i++)
          commands.push(`set server ${BACKEND}/${serverName(slot, i)} weight ${weight}`);
      }
      await apply(commands);
    },

    async stats(): Promise<ServerStat[]> {
      const csv = await command('show stat');
      const [header, ...rows] = csv.split('\n').filter((l) => l.trim());
      const cols = (header ?? '').replace(/^# /, '').split(',');
      const at = (name: string) => cols.indexOf(name);
      const out: ServerStat[] = [];
      for (const row of rows) {
        const f = row.split(',');
        if (f[at('pxname')] !== BACKEND) continue;
        const m = /^(blue|green)-(\d+)$/.exec(f[at('svname')] ?? '');
        if (!m) continue;
        out.push({
          name: m[0],
          slot: m[1] as SlotName,
          replica: Number(m[2]) - 1,
          status: f[at('status')] ?? '',
          weight: Number(f[at('weight')] ?? 0),
          current: Number(f[at('scur')] ?? 0),
          total: Number(f[at('stot')] ?? 0),
          http5xx: Number(f[at('hrsp_5xx')] ?? 0),
        });
      }
      return out;
    },

    /** Waits until every server of the slot passes HAProxy's own health check. */
    async waitUp(slot: SlotName, timeoutMs: number) {
      const deadline = Date.now() + timeoutMs;
      let last = '';
      while (Date.now() < deadline) {
        const servers = (await admin.stats()).filter((s) => s.slot === slot);
        last = servers.map((s) => `${s.name} ${s.status}`).join(', ');
        if (servers.length && servers.every((s) => s.status === 'UP')) return;
        await sleep(200);
      }
      throw new Error(`HAProxy did not see slot ${slot} up within ${timeoutMs} ms (${last})`);
    },

    /** Waits until a slot's servers hold no sessions (after drain), or the timeout passes. */
    async waitIdle(slot: SlotName, timeoutMs: number): Promise<boolean> {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const servers = (await admin.stats()).filter((s) => s.slot === slot);
        if (servers.every((s) => s.current === 0)) return true;
        await sleep(200);
      }
      return false;
    },
  };
  return admin;
}

export type HaproxyAdmin = ReturnType<typeof createHaproxyAdmin>;
