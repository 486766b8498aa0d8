// Over 300 lines: one run, one story — every scenario is measured against its ceiling in the same run.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { DEMO_CITIES } from '../src/demo/data.js';
import { nearbyStatement } from '../src/modules/cars/availability/repository.js';
import type { DB } from '../src/modules/database.js';
import { createFlightsRepository } from '../src/modules/flights/repository.js';
import { createStaysRepository } from '../src/modules/stays/repository.js';
import { PROJECT_ROOT } from '../src/version.js';
import { BENCH_SECRETS, prepareDataset } from './dataset.js';
import { measureFreshness } from './freshness.js';
import {
  cannon,
  closedLoop,
  log,
  type Measure,
  printTables,
  rng,
  rssMb,
  spawnServer,
  type Target,
} from './lib.js';

/**
 * npm run bench [-- --duration 10 --connections 50 --reseed --probes 200]
 *
 * Seeds (once) 100,000 cars, 1,000,000 bookings and the travel catalogue into a real Postgres, then
 * measures in one run, each against its ceiling:
 *   - a bare Fastify hello-world (the HTTP ceiling);
 *   - car search: the raw SQL through pg (the database ceiling), GET /search from the in-memory
 *     search model and with the model off (SQL), the model's freshness across two api processes
 *     (booking commit → the car gone from both), and the api processes' idle memory;
 *   - stays and flights (own schedule) search: the repository's SQL, then the HTTP route;
 *   - POST /bookings without conflicts;
 *   - the embedded server (PGlite, the demo's 2,000 cars): GET /search and idle memory.
 * Prints the figures and a target table, writes bench/results/<date>.json, exits 1 when a target
 * is missed. The load generator shares the machine: the load average is recorded with the figures.
 */
const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    probes: { type: 'string', default: '200' },
    reseed: { type: 'boolean', default: false },
    name: { type: 'string', default: 'voyage_bench_model' },
    database: {
      type: 'string',
      default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const DAY = 86_400_000;
const load = { duration: DURATION, connections: CONNECTIONS };

/** A search near a demo city (within 3 km of its centre), 2 km radius, a window in the next month. */
export function searchParams(r: () => number) {
  const city = DEMO_CITIES[Math.floor(r() * DEMO_CITIES.length)]!;
  const lat = city.lat + (r() - 0.5) * 0.054;
  const lng = city.lng + ((r() - 0.5) * 0.054) / Math.cos((city.lat * Math.PI) / 180);
  const from = new Date(
    Math.floor(Date.now() / DAY) * DAY + (1 + Math.floor(r() * 30)) * DAY + 10 * 3_600_000,
  );
  const to = new Date(from.getTime() + (1 + Math.floor(r() * 5)) * DAY);
  return { lat, lng, from, to };
}

export function searchPath(r: () => number): string {
  const p = searchParams(r);
  const qs = new URLSearchParams({
    lat: p.lat.toFixed(5),
    lng: p.lng.toFixed(5),
    radiusKm: '2',
    pickup: p.from.toISOString(),
    dropoff: p.to.toISOString(),
  });
  return `/search?${qs}`;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function stayParams(r: () => number) {
  const city = DEMO_CITIES[Math.floor(r() * DEMO_CITIES.length)]!;
  const checkIn = Math.floor(Date.now() / DAY) * DAY + (7 + Math.floor(r() * 60)) * DAY;
  return {
    city: city.city,
    checkIn: isoDay(checkIn),
    checkOut: isoDay(checkIn + (1 + Math.floor(r() * 4)) * DAY),
  };
}

function flightParams(r: () => number, routes: { origin: string; destination: string }[]) {
  const route = routes[Math.floor(r() * routes.length)]!;
  const date = isoDay(Math.floor(Date.now() / DAY) * DAY + (3 + Math.floor(r() * 40)) * DAY);
  return { from: route.origin.trim(), to: route.destination.trim(), date };
}

const searchLoad = (url: string, seed: number) => {
  const r = rng(seed);
  return {
    url,
    requests: [{ method: 'GET' as const, setupRequest: (req: object) => ({ ...req, path: searchPath(r) }) }],
  };
};

async function main() {
  const dataset = await prepareDataset({
    baseUrl: args.database!,
    name: args.name!,
    cars: 100_000,
    bookings: 1_000_000,
    reseed: !!args.reseed,
    log,
  });
  const loadBefore = os.loadavg();
  const results: Measure[] = [];
  const byName = (name: string) => results.find((m) => m.name === name)!;

  const hello = await spawnServer(['--import', 'tsx', 'bench/hello-server.ts'], {});
  try {
    results.push(await cannon('fastify hello-world', { url: `${hello.url}/`, ...load }));
  } finally {
    await hello.stop();
  }

  const pool = new pg.Pool({ connectionString: dataset.url, max: 20 });
  const kysely = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  {
    const r = rng(7);
    results.push(
      await closedLoop('raw search SQL (pg)', { durationS: DURATION, concurrency: CONNECTIONS }, () => {
        const p = searchParams(r);
        // As the app runs it on a server: a named statement, prepared once per connection.
        return pool.query(
          nearbyStatement(
            kysely,
            { lat: p.lat, lng: p.lng, radiusM: 2000, window: { from: p.from, to: p.to }, limit: 21 },
            true,
          ),
        );
      }),
    );
  }
  const stays = createStaysRepository(kysely);
  {
    const r = rng(8);
    results.push(
      await closedLoop('raw stays search SQL (pg)', { durationS: DURATION, concurrency: CONNECTIONS }, () => {
        const p = stayParams(r);
        const nights = Math.round((Date.parse(p.checkOut) - Date.parse(p.checkIn)) / DAY);
        return stays.available({ ...p, nights, guests: 2, limit: 20, now: new Date() });
      }),
    );
  }
  const flights = createFlightsRepository(kysely);
  const routes = (await pool.query('SELECT origin, destination FROM flight_routes')).rows;
  {
    const r = rng(9);
    results.push(
      await closedLoop('raw flights search SQL (pg)', { durationS: DURATION, concurrency: CONNECTIONS }, () =>
        flights.scheduledOffers({
          ...flightParams(r, routes),
          cabin: 'economy',
          seats: 1,
          after: new Date(),
        }),
      ),
    );
  }

  // Bookings made by earlier runs lie beyond two years; clear them so windows never collide.
  await pool.query(`DELETE FROM bookings WHERE pickup_time > now() + interval '2 years'`);
  const cars = (
    await pool.query(`SELECT id, lat, lng FROM cars WHERE status = 'active' ORDER BY id LIMIT 20000`)
  ).rows as { id: string; lat: number; lng: number }[];
  const userId = (await pool.query('SELECT id FROM users ORDER BY email LIMIT 1')).rows[0].id as string;

  const apiEnv = (model: boolean) => ({
    DATABASE_URL: dataset.url,
    ...BENCH_SECRETS,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_MAX: '0',
    AUTH_RATE_LIMIT_MAX: '0',
    DATABASE_POOL_MAX: '20',
    FLIGHT_SUPPLIERS: 'own-schedule',
    SEARCH_MODEL: String(model),
  });
  const api = ['bin/voyage.js', 'serve', '--role', 'api'].map((a, i) =>
    i === 0 ? path.join(PROJECT_ROOT, a) : a,
  );
  const memory: Record<string, number> = {};
  let t0 = performance.now();
  const replicaA = await spawnServer(api, apiEnv(true), { ready: true });
  const modelReadyMs = Math.round(performance.now() - t0);
  const replicaB = await spawnServer(api, apiEnv(true), { ready: true });
  t0 = performance.now();
  const sqlOnly = await spawnServer(api, apiEnv(false), { ready: true });
  const sqlReadyMs = Math.round(performance.now() - t0);
  let freshness: Awaited<ReturnType<typeof measureFreshness>> | undefined;
  try {
    await sleep(3000);
    memory.apiModelIdleMb = await rssMb(replicaA.child.pid!);
    memory.apiModelIdleMbReplicaB = await rssMb(replicaB.child.pid!);
    memory.apiSqlIdleMb = await rssMb(sqlOnly.child.pid!);

    results.push(
      await cannon('GET /search (model, 2 km, window)', { ...searchLoad(replicaA.url, 11), ...load }),
    );
    memory.apiModelAfterLoadMb = await rssMb(replicaA.child.pid!);
    results.push(
      await cannon('GET /search (SQL, 2 km, window)', { ...searchLoad(sqlOnly.url, 11), ...load }),
    );

    freshness = await measureFreshness({
      pool,
      replicas: [replicaA.url, replicaB.url],
      cars,
      userId,
      probes: Number(args.probes),
      background: (url, seed) => searchLoad(url, seed),
    });

    {
      const r = rng(12);
      results.push(
        await cannon('GET /stays/search (city, 1–4 nights)', {
          url: replicaA.url,
          requests: [
            {
              method: 'GET',
              setupRequest: (req) => ({
                ...req,
                path: `/stays/search?${new URLSearchParams({ ...stayParams(r), guests: '2' })}`,
              }),
            },
          ],
          ...load,
        }),
      );
    }
    {
      const r = rng(13);
      results.push(
        await cannon('GET /flights/search (own schedule)', {
          url: replicaA.url,
          requests: [
            {
              method: 'GET',
              setupRequest: (req) => ({
                ...req,
                path: `/flights/search?${new URLSearchParams(flightParams(r, routes))}`,
              }),
            },
          ],
          ...load,
        }),
      );
    }
    results.push(
      await bookingsScenario(
        replicaA.url,
        cars.map((c) => c.id),
      ),
    );
  } finally {
    await Promise.all([replicaA.stop(), replicaB.stop(), sqlOnly.stop()]);
    await pool.end();
  }

  const embedded = await embeddedScenario();
  results.push(embedded.measure);
  memory.embeddedIdleMb = embedded.idleMb;
  const loadAfter = os.loadavg();

  const search = byName('GET /search (model, 2 km, window)');
  const raw = byName('raw search SQL (pg)');
  const ratios = {
    searchModelVsRawSql: +(search.rps / raw.rps).toFixed(2),
    searchSqlVsRawSql: +(byName('GET /search (SQL, 2 km, window)').rps / raw.rps).toFixed(2),
    searchModelVsHello: +(search.rps / byName('fastify hello-world').rps).toFixed(3),
    staysVsRawSql: +(
      byName('GET /stays/search (city, 1–4 nights)').rps / byName('raw stays search SQL (pg)').rps
    ).toFixed(2),
    flightsVsRawSql: +(
      byName('GET /flights/search (own schedule)').rps / byName('raw flights search SQL (pg)').rps
    ).toFixed(2),
  };
  const fresh = freshness!;
  const targets: Target[] = [
    t('GET /search rps (model, 100k cars)', '≥ 2500', search.rps, search.rps >= 2500),
    t('GET /search p99 ms (model)', '≤ 30', search.p99, search.p99 <= 30),
    t(
      'GET /search vs raw SQL ceiling (same run)',
      '≥ 3×',
      `${ratios.searchModelVsRawSql}×`,
      ratios.searchModelVsRawSql >= 3,
    ),
    t('freshness p99 ms (commit → gone from 2 replicas)', '≤ 100', fresh.p99, fresh.p99 <= 100),
    t(
      'api role idle RSS MB (model of 100k cars)',
      '≤ 150',
      memory.apiModelIdleMb!,
      memory.apiModelIdleMb! <= 150,
    ),
    t('embedded GET /search rps (2,000 cars)', '≥ 1000', embedded.measure.rps, embedded.measure.rps >= 1000),
    t('embedded idle RSS MB', '≤ 300', memory.embeddedIdleMb!, memory.embeddedIdleMb! <= 300),
    t(
      'POST /bookings rps',
      '≥ 1000',
      byName('POST /bookings (no conflicts)').rps,
      byName('POST /bookings (no conflicts)').rps >= 1000,
    ),
  ];
  printTables(results, targets);
  process.stdout.write(
    `\nratios: ${JSON.stringify(ratios)}\nfreshness: ${JSON.stringify(fresh)}\nmemory MB: ${JSON.stringify(memory)}\n` +
      `model ready in ${modelReadyMs} ms (SQL-only api: ${sqlReadyMs} ms); load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} → ${loadAfter.map((l) => l.toFixed(2)).join(' ')}\n`,
  );

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
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadAfter,
    },
    dataset: { cars: dataset.cars, bookings: dataset.bookings },
    settings: { durationSeconds: DURATION, connections: CONNECTIONS, probes: Number(args.probes) },
    results,
    ratios,
    freshness: fresh,
    memoryMb: memory,
    startup: { modelReadyMs, sqlReadyMs },
    targets,
  };
  const dir = path.join(PROJECT_ROOT, 'bench/results');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${out.date.slice(0, 19).replaceAll(':', '-')}.json`);
  await writeFile(file, `${JSON.stringify(out, null, 2)}\n`);
  log(`\nresults written to ${path.relative(PROJECT_ROOT, file)}`);
  if (targets.some((x) => !x.met)) process.exitCode = 1;
}

function t(name: string, target: string, measured: number | string, met: boolean): Target {
  return { name, target, measured: String(measured), met };
}

async function bookingsScenario(url: string, carIds: string[]): Promise<Measure> {
  const tokens: string[] = [];
  for (let i = 0; i < 20; i++) {
    const res = await fetch(`${url}/auth/signup`, {
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
  const base = Date.now() + 3 * 365 * DAY;
  let n = 0;
  return cannon('POST /bookings (no conflicts)', {
    url,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const i = n++;
          const pickup = new Date(base + Math.floor(i / carIds.length) * 7 * DAY);
          const body = JSON.stringify({
            carId: carIds[i % carIds.length],
            pickupTime: pickup.toISOString(),
            dropoffTime: new Date(pickup.getTime() + 2 * DAY).toISOString(),
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
    ...load,
  });
}

/** The embedded server as `npm start` runs it: a fresh data directory with the demo's cars. */
async function embeddedScenario(): Promise<{ measure: Measure; idleMb: number }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'voyage-bench-embedded-'));
  const server = await spawnServer(
    [path.join(PROJECT_ROOT, 'bin/voyage.js'), 'serve'],
    {
      DATA_DIR: dataDir,
      ...BENCH_SECRETS,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_MAX: '0',
      AUTH_RATE_LIMIT_MAX: '0',
    },
    { ready: true },
  );
  try {
    await sleep(3000);
    const idleMb = await rssMb(server.child.pid!);
    const measure = await cannon('embedded GET /search (model, 2,000 cars)', {
      ...searchLoad(server.url, 21),
      ...load,
    });
    return { measure, idleMb };
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
