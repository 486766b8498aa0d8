import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { PROJECT_ROOT } from '../src/version.js';

/** The benchmark's building blocks: servers as child processes, load, latency figures. */
export interface Measure {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
}

export const log = (m: string) => process.stderr.write(`${m}\n`);

export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Server {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/** Starts a process and resolves once it prints its URL (and, with `ready`, answers readiness). */
export async function spawnServer(
  args: string[],
  env: Record<string, string>,
  opts: { ready?: boolean } = {},
): Promise<Server> {
  const child = spawn(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d;
      const m = /(http:\/\/(?:127\.0\.0\.1|localhost):\d+)/.exec(out);
      if (m) {
        child.stdout!.off('data', onData);
        child.stderr!.off('data', onData);
        resolve(m[1]!.replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
  // Keep reading so a chatty child never blocks on a full pipe.
  child.stdout!.resume();
  child.stderr!.resume();
  if (opts.ready) {
    for (;;) {
      const ok = await fetch(`${url}/health/ready`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode})`);
      await sleep(100);
    }
  }
  return {
    child,
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000)]);
    },
  };
}

export async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

export async function cannon(
  name: string,
  opts: autocannon.Options & { duration: number; connections: number },
): Promise<Measure> {
  log(`→ ${name}: ${opts.duration}s, ${opts.connections} connections`);
  const r = await autocannon(opts);
  return {
    name,
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    total: r.requests.total,
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! * 10) / 10;
}

/** `query` run `concurrency` at a time for `durationS` seconds: the ceiling of a statement. */
export async function closedLoop(
  name: string,
  opts: { durationS: number; concurrency: number },
  query: () => Promise<unknown>,
): Promise<Measure> {
  log(`→ ${name}: ${opts.durationS}s, ${opts.concurrency} concurrent`);
  const latencies: number[] = [];
  let errors = 0;
  const until = Date.now() + opts.durationS * 1000;
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (Date.now() < until) {
        const t0 = performance.now();
        try {
          await query();
          latencies.push(performance.now() - t0);
        } catch {
          errors += 1;
        }
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    name,
    rps: Math.round(latencies.length / opts.durationS),
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    errors,
    non2xx: 0,
    total: latencies.length,
  };
}

export interface Target {
  name: string;
  target: string;
  measured: string;
  met: boolean;
}

export function printTables(results: Measure[], targets: Target[]) {
  const pad = (s: string | number, w: number) => String(s).padEnd(w);
  const out = process.stdout;
  out.write(
    `\n${pad('scenario', 40)}${pad('rps', 9)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}${pad('errors', 8)}non-2xx\n`,
  );
  for (const m of results)
    out.write(
      `${pad(m.name, 40)}${pad(m.rps, 9)}${pad(m.p50, 9)}${pad(m.p99, 9)}${pad(m.errors, 8)}${m.non2xx}\n`,
    );
  out.write(`\n${pad('target', 52)}${pad('wanted', 14)}${pad('measured', 14)}met\n`);
  for (const t of targets)
    out.write(`${pad(t.name, 52)}${pad(t.target, 14)}${pad(t.measured, 14)}${t.met ? 'yes' : 'NO'}\n`);
}
