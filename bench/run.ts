import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { DEMO_CITIES } from '../src/demo/data.js';
import { nearbyStatement } from '../src/modules/cars/availability/repository.js';
import { PROJECT_ROOT } from '../src/version.js';
import { BENCH_SECRETS, prepareDataset } from './dataset.js';

/**
 * npm run bench [-- --duration 10 --connections 50 --reseed]
 *
 * Seeds (once) 100,000 cars and 1,000,000 bookings into a real Postgres, then measures in one run:
 * a bare Fastify hello-world (the HTTP ceiling), the raw search SQL through pg (the database
 * ceiling), GET /search (2 km radius with a date window) and non-conflicting POST /bookings.
 * Prints rps, p50, p99 and ratios; writes bench/results/<date>.json.
 */
const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    reseed: { type: 'boolean', default: false },
    database: {
      type: 'string',
      default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const log = (m: string) => process.stderr.write(`${m}\n`);

interface Measure {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
}

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A search near a demo city (within 3 km of its centre), 2 km radius, a window in the next month. */
function searchParams(r: () => number) {
  const city = DEMO_CITIES[Math.floor(r() * DEMO_CITIES.length)]!;
  const lat = city.lat + (r() - 0.5) * 0.054;
  const lng = city.lng + ((r() - 0.5) * 0.054) / Math.cos((city.lat * Math.PI) / 180);
  const day = 86_400_000;
  const from = new Date(
    Math.floor(Date.now() / day) * day + (1 + Math.floor(r() * 30)) * day + 10 * 3_600_000,
  );
  const to = new Date(from.getTime() + (1 + Math.floor(r() * 5)) * day);
  return { lat, lng, from, to };
}

function spawnServer(
  args: string[],
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const onData = (d: Buffer) => {
      out += d;
      const m = /(http:\/\/(?:127\.0\.0\.1|localhost):\d+)/.exec(out);
      if (m) {
        child.stdout!.off('data', onData);
        child.stderr!.off('data', onData);
        resolve({ child, url: m[1]!.replace('localhost', '127.0.0.1') });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
}

async function cannon(name: string, opts: autocannon.Options): Promise<Measure> {
  log(`→ ${name}: ${DURATION}s, ${CONNECTIONS} connections`);
  const r = await autocannon({ duration: DURATION, connections: CONNECTIONS, ...opts });
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

/** The raw search statement through pg, CONNECTIONS at a time, for DURATION seconds. */
async function rawSql(url: string): Promise<Measure> {
  log(`→ raw search SQL through pg: ${DURATION}s, ${CONNECTIONS} concurrent`);
  const pool = new pg.Pool({ connectionString: url, max: 20 });
  const kysely = new Kysely<never>({ dialect: new PostgresDialect({ pool }) });
  const r = rng(7);
  const latencies: number[] = [];
  let errors = 0;
  const until = Date.now() + DURATION * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < until) {
        const p = searchParams(r);
        // As the app runs it on a server: a named statement, prepared once per connection.
        const q = nearbyStatement(
          kysely,
          { lat: p.lat, lng: p.lng, radiusM: 2000, window: { from: p.from, to: p.to }, limit: 21 },
          true,
        );
        const t0 = performance.now();
        try {
          await pool.query(q);
          latencies.push(performance.now() - t0);
        } catch {
          errors += 1;
        }
      }
    }),
  );
  await pool.end();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]! * 10) / 10;
  return {
    name: 'raw search SQL (pg)',
    rps: Math.round(latencies.length / DURATION),
    p50: pct(0.5),
    p99: pct(0.99),
    errors,
    non2xx: 0,
    total: latencies.length,
  };
}

async function main() {
  const dataset = await prepareDataset({
    baseUrl: args.database!,
    name: 'voyage_bench',
    cars: 100_000,
    bookings: 1_000_000,
    reseed: !!args.reseed,
    log,
  });
  const results: Measure[] = [];

  const hello = await spawnServer(['--import', 'tsx', 'bench/hello-server.ts'], {});
  try {
    results.push(await cannon('fastify hello-world', { url: `${hello.url}/` }));
  } finally {
    hello.child.kill();
  }

  results.push(await rawSql(dataset.url));

  // Bookings made by earlier runs lie beyond two years; clear them so windows never collide.
  const admin = new pg.Client({ connectionString: dataset.url });
  await admin.connect();
  await admin.query(`DELETE FROM bookings WHERE pickup_time > now() + interval '2 years'`);
  const carIds = (
    await admin.query(`SELECT id FROM cars WHERE status = 'active' ORDER BY id LIMIT 20000`)
  ).rows.map((r) => r.id as string);
  await admin.end();

  const voyage = await spawnServer([path.join(PROJECT_ROOT, 'bin/voyage.js'), 'serve', '--role', 'api'], {
    DATABASE_URL: dataset.url,
    ...BENCH_SECRETS,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_MAX: '0',
    AUTH_RATE_LIMIT_MAX: '0',
    DATABASE_POOL_MAX: '20',
  });
  try {
    const r = rng(11);
    results.push(
      await cannon('GET /search (2 km, window)', {
        url: voyage.url,
        requests: [
          {
            method: 'GET',
            setupRequest: (req) => {
              const p = searchParams(r);
              const qs = new URLSearchParams({
                lat: p.lat.toFixed(5),
                lng: p.lng.toFixed(5),
                radiusKm: '2',
                pickup: p.from.toISOString(),
                dropoff: p.to.toISOString(),
              });
              return { ...req, path: `/search?${qs}` };
            },
          },
        ],
      }),
    );

    const tokens: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${voyage.url}/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: `bench-${Date.now()}-${i}@voyage.example`,
          password: 'bench password',
          name: 'Bench',
        }),
      });
      tokens.push(((await res.json()) as { accessToken: string }).accessToken);
    }
    const base = Date.now() + 3 * 365 * 86_400_000;
    let n = 0;
    results.push(
      await cannon('POST /bookings (no conflicts)', {
        url: voyage.url,
        requests: [
          {
            method: 'POST',
            setupRequest: (req) => {
              const i = n++;
              const pickup = new Date(base + Math.floor(i / carIds.length) * 7 * 86_400_000);
              const body = JSON.stringify({
                carId: carIds[i % carIds.length],
                pickupTime: pickup.toISOString(),
                dropoffTime: new Date(pickup.getTime() + 2 * 86_400_000).toISOString(),
              });
              return {
                ...req,
                path: '/bookings',
                body,
                headers: {
                  'content-type': 'application/json',
                  authorization: `Bearer ${tokens[i % tokens.length]}`,
                },
              };
            },
          },
        ],
      }),
    );
  } finally {
    voyage.child.kill();
  }

  const [helloR, raw, search, book] = results as [Measure, Measure, Measure, Measure];
  const ratios = {
    searchVsHello: +(search.rps / helloR.rps).toFixed(3),
    searchVsRawSql: +(search.rps / raw.rps).toFixed(3),
    bookingsVsHello: +(book.rps / helloR.rps).toFixed(3),
  };
  const targets = {
    searchRps: { target: 2500, measured: search.rps, met: search.rps >= 2500 },
    searchP99Ms: { target: 30, measured: search.p99, met: search.p99 <= 30 },
    bookingsPerSecond: { target: 1000, measured: book.rps, met: book.rps >= 1000 },
  };
  const pad = (s: string | number, w: number) => String(s).padEnd(w);
  process.stdout.write(
    `\n${pad('scenario', 32)}${pad('rps', 9)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}${pad('errors', 8)}non-2xx\n`,
  );
  for (const m of results)
    process.stdout.write(
      `${pad(m.name, 32)}${pad(m.rps, 9)}${pad(m.p50, 9)}${pad(m.p99, 9)}${pad(m.errors, 8)}${m.non2xx}\n`,
    );
  process.stdout.write(`\nratios: ${JSON.stringify(ratios)}\ntargets: ${JSON.stringify(targets)}\n`);

  const commit = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: PROJECT_ROOT }).toString().trim();
    } catch {
      return 'unknown';
    }
  })();
  const out = {
    date: new Date().toISOString(),
    commit,
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    dataset: { cars: dataset.cars, bookings: dataset.bookings },
    settings: { durationSeconds: DURATION, connections: CONNECTIONS },
    results,
    ratios,
    targets,
  };
  const dir = path.join(PROJECT_ROOT, 'bench/results');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${out.date.slice(0, 19).replaceAll(':', '-')}.json`);
  await writeFile(file, `${JSON.stringify(out, null, 2)}\n`);
  log(`\nresults written to ${path.relative(PROJECT_ROOT, file)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
