import pg from 'pg';
import { readConfig } from '../src/config/index.js';
import { seed } from '../src/demo/seed.js';
import { seedTravelCatalogue } from '../src/demo/seed-travel.js';
import { createLogger } from '../src/platform/observability/logger.js';
import { createContext } from '../src/server/context.js';
import { createServices } from '../src/server/services.js';

/**
 * The benchmark database: 100,000 cars and 1,000,000 bookings (deterministic, seed 42) in a real
 * Postgres, and the demo's travel catalogue (hotels, airports, a flight schedule) for the stays and
 * flights searches. Kept between runs; re-seeded when its counts differ or --reseed is given.
 */
export const BENCH_SECRETS = {
  JWT_ACCESS_SECRET: 'bench-access-secret-0123456789abcdef012345',
  JWT_REFRESH_SECRET: 'bench-refresh-secret-0123456789abcdef01234',
};

export interface Dataset {
  url: string;
  cars: number;
  bookings: number;
}

function withDatabase(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

async function count(url: string, table: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const res = await client.query(`SELECT count(*)::int AS n FROM ${table}`);
    return res.rows[0].n;
  } catch {
    return -1;
  } finally {
    await client.end();
  }
}

export async function prepareDataset(opts: {
  baseUrl: string;
  name: string;
  cars: number;
  bookings: number;
  reseed: boolean;
  log: (m: string) => void;
}): Promise<Dataset> {
  const url = withDatabase(opts.baseUrl, opts.name);
  const admin = new pg.Client({ connectionString: withDatabase(opts.baseUrl, 'postgres') });
  await admin.connect();
  const exists =
    (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [opts.name])).rowCount === 1;
  const ready =
    exists &&
    !opts.reseed &&
    (await count(url, 'cars')) === opts.cars &&
    (await count(url, 'bookings')) >= opts.bookings * 0.99;
  if (!ready) {
    if (exists) await admin.query(`DROP DATABASE ${opts.name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${opts.name}`);
  }
  await admin.end();

  const { config, secrets } = readConfig({ DATABASE_URL: url, ...BENCH_SECRETS, DATABASE_POOL_MAX: '4' });
  const ctx = await createContext(config, secrets, { log: createLogger('warn', {}, 2) });
  try {
    // A kept dataset still gets the current schema (new indexes included).
    const applied = await ctx.migrator.up();
    if (applied.length) opts.log(`dataset ${opts.name}: applied ${applied.join(', ')}`);
    if (ready) {
      opts.log(`dataset ${opts.name}: reusing ${opts.cars} cars / ${opts.bookings} bookings`);
    } else {
      const summary = await seed(ctx, {
        cars: opts.cars,
        bookings: opts.bookings,
        seed: 42,
        progress: opts.log,
      });
      opts.log(`dataset seeded in ${(summary.ms / 1000).toFixed(0)} s`);
    }
    const travel = await ctx.db.selectFrom('properties').select('id').limit(1).executeTakeFirst();
    if (!travel) {
      const catalogue = await seedTravelCatalogue(ctx, createServices(ctx));
      opts.log(`dataset ${opts.name}: travel catalogue ${JSON.stringify(catalogue)}`);
    }
  } finally {
    await ctx.close();
  }
  return { url, cars: opts.cars, bookings: opts.bookings };
}
