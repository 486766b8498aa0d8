import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Counter, Gauge, Registry } from 'prom-client';
import type { Logger } from '../../platform/observability/logger.js';
import { abort, expireHold } from './operations.js';
import type { ReleaseEnv } from './release-env.js';
import { processAlive, type ReleaseState, readState, SLOTS } from './state-file.js';

/**
 * The release agent: a small supervised process that serves the release metrics Prometheus alerts
 * on (read from the state file at each scrape, so they survive restarts), retires the old slot
 * when its hold period ends, and aborts a deploy whose process died (which would otherwise leave
 * part of the traffic on an unwatched canary).
 */
export function releaseRegistry(stateDir: string) {
  const registry = new Registry();
  let snapshot: ReleaseState | null = null;

  new Counter({
    name: 'voyage_release_rollbacks_total',
    help: 'Releases taken back off traffic: by failed analysis, by abort, or by `release rollback`',
    labelNames: ['trigger'],
    registers: [registry],
    collect(this: Counter<string>) {
      this.reset();
      for (const [trigger, n] of Object.entries(
        snapshot?.rollbacksTotal ?? { analysis: 0, abort: 0, manual: 0 },
      ))
        this.inc({ trigger }, n);
    },
  });
  new Counter({
    name: 'voyage_release_deploys_total',
    help: 'Finished deploys by outcome',
    labelNames: ['outcome'],
    registers: [registry],
    collect(this: Counter<string>) {
      this.reset();
      for (const [outcome, n] of Object.entries(snapshot?.deploysTotal ?? {})) this.inc({ outcome }, n);
    },
  });
  new Gauge({
    name: 'voyage_release_canary_weight',
    help: 'Share of edge traffic (0–100) on the release being deployed; 0 when none is',
    registers: [registry],
    collect(this: Gauge<string>) {
      this.set(snapshot?.current?.weight ?? 0);
    },
  });
  new Gauge({
    name: 'voyage_release_in_progress',
    help: '1 while a deploy is running',
    registers: [registry],
    collect(this: Gauge<string>) {
      this.set(snapshot?.current ? 1 : 0);
    },
  });
  new Gauge({
    name: 'voyage_release_info',
    help: 'The release each running slot serves: 1 for the live one, 0 for the others',
    labelNames: ['version', 'slot'],
    registers: [registry],
    collect(this: Gauge<string>) {
      this.reset();
      for (const slot of SLOTS) {
        const s = snapshot?.slots[slot];
        if (!s?.release || s.status === 'stopped' || s.status === 'empty') continue;
        this.set({ version: s.release.version, slot }, snapshot?.live === slot ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'voyage_release_hold_remaining_seconds',
    help: 'Seconds until the old slot, kept for instant rollback, is drained and stopped; 0 when none is held',
    registers: [registry],
    collect(this: Gauge<string>) {
      const until = snapshot?.hold ? Date.parse(snapshot.hold.until) : 0;
      this.set(Math.max(0, Math.round((until - Date.now()) / 1000)));
    },
  });
  return {
    registry,
    /** Reads the state once per scrape; every collector reports from that one reading. */
    async metrics(): Promise<string> {
      snapshot = await readState(stateDir);
      return registry.metrics();
    },
  };
}

export async function runAgent(env: ReleaseEnv, log: Logger, host = '127.0.0.1') {
  const state = await readState(env.stateDir);
  if (!state) throw new Error(`no release state in ${env.stateDir}`);
  const release = releaseRegistry(env.stateDir);
  const server = http.createServer(async (req, res) => {
    if (req.url === '/metrics') {
      try {
        const text = await release.metrics();
        res.writeHead(200, { 'content-type': release.registry.contentType }).end(text);
      } catch (err) {
        res.writeHead(500).end(String((err as Error).message));
      }
    } else if (req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(state.edge.agentPort, host, resolve));
  log.info({ port: state.edge.agentPort, stateDir: env.stateDir }, 'release agent listening');

  let stopping = false;
  const stop = () => {
    stopping = true;
    server.close();
  };
  process.once('SIGTERM', stop).once('SIGINT', stop);
  let orphanSince = null as { id: string; at: number } | null;
  while (!stopping) {
    try {
      const current = (await readState(env.stateDir))?.current;
      if (current && !processAlive(current.pid)) {
        // Seen twice a couple of seconds apart, so that a deploy finishing right now is not taken for dead.
        if (orphanSince?.id !== current.id) orphanSince = { id: current.id, at: Date.now() };
        else if (Date.now() - orphanSince.at >= 2_000) {
          log.warn({ version: current.version, pid: current.pid }, 'the deploy process is gone: aborting it');
          await abort(env, { by: 'the release agent' });
          orphanSince = null;
        }
      } else orphanSince = null;
      const retired = await expireHold(env);
      if (retired) log.info({ slot: retired }, 'hold over: old slot drained and stopped');
    } catch (err) {
      log.error({ err: (err as Error).message }, 'retiring the held slot failed');
    }
    await sleep(1_000);
  }
}
