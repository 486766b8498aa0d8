/**
 * How fast `npm start` is ready, and what the embedded server holds in memory. Runs the built CLI
 * (`node bin/voyage.js serve`, embedded database, demo data) as a user does, in one run:
 *   - a fresh data directory, unpacked from the build's embedded database image;
 *   - the same directory started again (an existing one);
 *   - the baseline: a fresh data directory with the image moved aside (initdb and every migration).
 * Each is timed from spawn until /health/ready answers 200; RSS is read at ready and after 5 s idle.
 * Prints a table and writes bench/results/start.json with the ratios.
 *
 *   npm run bench:start [-- --runs 3]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { EMBEDDED_IMAGE } from '../src/platform/db/embedded-image.js';
import { PROJECT_ROOT } from '../src/version.js';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const RUNS = Number(args.runs);

interface Start {
  readyMs: number;
  rssReadyMb: number;
  rssIdleMb: number;
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

async function startOnce(dataDir: string, port: number): Promise<Start> {
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin/voyage.js'), 'serve'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`voyage exited with ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      await sleep(25);
    }
    const readyMs = Math.round(performance.now() - started);
    const rssReadyMb = await rssMb(child.pid!);
    await sleep(5000);
    return { readyMs, rssReadyMb, rssIdleMb: await rssMb(child.pid!) };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
function summary(starts: Start[]) {
  return {
    readyMs: median(starts.map((s) => s.readyMs)),
    rssReadyMb: median(starts.map((s) => s.rssReadyMb)),
    rssIdleMb: median(starts.map((s) => s.rssIdleMb)),
    runs: starts,
  };
}

if (!existsSync(EMBEDDED_IMAGE)) throw new Error(`${EMBEDDED_IMAGE} is missing: run npm run build first`);
const root = await mkdtemp(path.join(os.tmpdir(), 'voyage-bench-start-'));
const fresh: Start[] = [];
const existing: Start[] = [];
const baseline: Start[] = [];
const aside = `${EMBEDDED_IMAGE}.aside`;
try {
  for (let i = 0; i < RUNS; i++) {
    const dataDir = path.join(root, `image-${i}`);
    fresh.push(await startOnce(dataDir, 4900 + i));
    existing.push(await startOnce(dataDir, 4900 + i));
  }
  await rename(EMBEDDED_IMAGE, aside);
  for (let i = 0; i < RUNS; i++) baseline.push(await startOnce(path.join(root, `initdb-${i}`), 4950 + i));
} finally {
  if (existsSync(aside)) await rename(aside, EMBEDDED_IMAGE);
  await rm(root, { recursive: true, force: true });
}

const results = { fresh: summary(fresh), existing: summary(existing), freshWithoutImage: summary(baseline) };
const report = {
  date: new Date().toISOString(),
  runs: RUNS,
  cpus: os.cpus().length,
  targets: { freshReadyMs: 5000, existingReadyMs: 2000, rssIdleMb: 300 },
  results,
  ratios: {
    freshVsWithoutImage: +(results.fresh.readyMs / results.freshWithoutImage.readyMs).toFixed(3),
    existingVsFresh: +(results.existing.readyMs / results.fresh.readyMs).toFixed(3),
    idleRssFreshVsWithoutImage: +(results.fresh.rssIdleMb / results.freshWithoutImage.rssIdleMb).toFixed(3),
  },
};
for (const [name, r] of Object.entries(results))
  process.stdout.write(
    `${name.padEnd(18)} ready ${String(r.readyMs).padStart(5)} ms   RSS at ready ${r.rssReadyMb} MB, idle ${r.rssIdleMb} MB\n`,
  );
process.stdout.write(`${JSON.stringify(report.ratios)}\n`);
await writeFile(path.join(PROJECT_ROOT, 'bench/results/start.json'), `${JSON.stringify(report, null, 2)}\n`);
