import { sql } from 'kysely';
import { REBUILD_BUSY_SQL } from '../modules/cars/availability/busy.js';
import type { CarClass } from '../modules/cars/fleet/tables.js';
import type { Db } from '../modules/database.js';
import { hashPassword } from '../modules/identity/passwords.js';
import type { AppContext } from '../server/context.js';
import type { Services } from '../server/services.js';
import { CLASS_PROFILE, DEMO_ADMIN, DEMO_CITIES, DEMO_MODELS, DEMO_USER } from './data.js';
import { seedTravelDemoIfEmpty, type TravelSeedSummary } from './seed-travel.js';

/**
 * Deterministic data: the same --seed gives the same rows, ids included, so benchmarks and demos
 * can be compared run to run.
 */

/** mulberry32: a small, fast, well-distributed 32-bit PRNG. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    uuid(): string {
      const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16));
      hex[12] = '4';
      hex[16] = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
      const h = hex.join('');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
  };
}

/** A point uniformly spread over a disc of `radiusKm` around (lat, lng). */
function scatter(r: ReturnType<typeof prng>, lat: number, lng: number, radiusKm: number) {
  const distance = radiusKm * Math.sqrt(r.next());
  const bearing = r.next() * 2 * Math.PI;
  const dLat = (distance * Math.cos(bearing)) / 111.195;
  const dLng = (distance * Math.sin(bearing)) / (111.195 * Math.cos((lat * Math.PI) / 180));
  return { lat: Math.round((lat + dLat) * 1e6) / 1e6, lng: Math.round((lng + dLng) * 1e6) / 1e6 };
}

export interface SeedOptions {
  cars: number;
  bookings: number;
  seed: number;
  progress?: (message: string) => void;
}

export interface SeedSummary {
  locations: number;
  cars: number;
  users: number;
  bookings: number;
  ms: number;
  travel?: TravelSeedSummary;
}

async function seedLocations(ctx: AppContext, seed: number) {
  const r = prng(seed ^ 0x10c);
  const existing = await ctx.db
    .selectFrom('locations')
    .select(['id', 'name', 'city', 'lat', 'lng'])
    .execute();
  const byName = new Map(existing.map((l) => [l.name, l]));
  const wanted = DEMO_CITIES.flatMap((c) => [
    {
      id: r.uuid(),
      name: `${c.city} Downtown`,
      city: c.city,
      country: c.country,
      lat: c.lat,
      lng: c.lng,
      time_zone: c.timeZone,
    },
    {
      id: r.uuid(),
      name: `${c.city} Airport (${c.airport.code})`,
      city: c.city,
      country: c.country,
      lat: c.airport.lat,
      lng: c.airport.lng,
      time_zone: c.timeZone,
    },
  ]);
  const missing = wanted.filter((l) => !byName.has(l.name));
  if (missing.length > 0) await ctx.db.insertInto('locations').values(missing).execute();
  const all = await ctx.db.selectFrom('locations').select(['id', 'name', 'city', 'lat', 'lng']).execute();
  return new Map(all.map((l) => [l.name, l]));
}

async function seedCars(ctx: AppContext, count: number, seed: number, progress: (m: string) => void) {
  const locations = await seedLocations(ctx, seed);
  const r = prng(seed);
  const classes = Object.entries(CLASS_PROFILE) as [CarClass, (typeof CLASS_PROFILE)[CarClass]][];
  const totalWeight = classes.reduce((s, [, p]) => s + p.weight, 0);
  const pickClass = (): CarClass => {
    let x = r.next() * totalWeight;
    for (const [name, p] of classes) {
      x -= p.weight;
      if (x < 0) return name;
    }
    return 'compact';
  };
  const rows = [];
  for (let i = 0; i < count; i++) {
    const city = DEMO_CITIES[i % DEMO_CITIES.length]!;
    const atAirport = r.next() < 0.4;
    const location = locations.get(
      atAirport ? `${city.city} Airport (${city.airport.code})` : `${city.city} Downtown`,
    )!;
    const carClass = pickClass();
    const [make, model] = r.pick(DEMO_MODELS[carClass]);
    const profile = CLASS_PROFILE[carClass];
    const usCents = Math.round(profile.rate * (0.85 + r.next() * 0.3));
    const pos = scatter(r, location.lat, location.lng, atAirport ? 3 : 8);
    rows.push({
      id: r.uuid(),
      location_id: location.id,
      make,
      model,
      class: carClass,
      seats: profile.seats,
      transmission: r.next() < 0.8 ? ('automatic' as const) : ('manual' as const),
      daily_rate: Math.max(1, Math.round(usCents * city.perUsCent)),
      currency: city.currency,
      lat: pos.lat,
      lng: pos.lng,
      status: r.next() < 0.97 ? ('active' as const) : ('maintenance' as const),
    });
  }
  const batchSize = 1000;
  for (let done = 0; done < count; done += batchSize) {
    const batch = rows.slice(done, done + batchSize);
    await ctx.db
      .insertInto('cars')
      .values(batch)
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    if (count >= 10_000 && (done / batchSize) % 10 === 9)
      progress(`  cars: ${Math.min(count, done + batchSize)}/${count}`);
  }
  return locations.size;
}

async function seedUsers(ctx: AppContext, count: number, seed: number) {
  const r = prng(seed ^ 0x05e4);
  // One hash for all seeded accounts: hashing thousands of passwords would dominate seeding.
  const passwordHash = await hashPassword(DEMO_USER.password);
  const rows = Array.from({ length: count }, (_, i) => ({
    id: r.uuid(),
    email: `seed-${String(i).padStart(6, '0')}@voyage.example`,
    name: `Seed Traveller ${i}`,
    password_hash: passwordHash,
  }));
  for (let i = 0; i < rows.length; i += 1000) {
    await ctx.db
      .insertInto('users')
      .values(rows.slice(i, i + 1000))
      .onConflict((oc) => oc.column('email').doNothing())
      .execute();
  }
}

/**
 * Bookings are generated in SQL: car k's j-th booking starts in week j (plus up to 47 hours) and
 * lasts 1–4 days, so they never overlap and need no conflict handling. A third fall in the past.
 */
async function seedBookings(ctx: AppContext, count: number, seed: number, progress: (m: string) => void) {
  const chunk = 100_000;
  // Bulk seeding is an operator's task: one transaction without a statement timeout. The trigger
  // that keeps cars.busy row by row is off meanwhile (the lock it takes holds off other bookings
  // until the column is rebuilt from the bookings at the end).
  await ctx.db.transaction().execute(async (tx) => {
    await sql`SET LOCAL statement_timeout = 0`.execute(tx);
    await sql`ALTER TABLE bookings DISABLE TRIGGER bookings_busy`.execute(tx);
    for (let from = 0; from < count; from += chunk) {
      const to = Math.min(count, from + chunk) - 1;
      await insertBookings(tx, count, from, to, seed);
      if (count > chunk) progress(`  bookings: ${to + 1}/${count}`);
    }
    await sql.raw(REBUILD_BUSY_SQL).execute(tx);
    await sql`ALTER TABLE bookings ENABLE TRIGGER bookings_busy`.execute(tx);
  });
}

function insertBookings(db: Db, count: number, from: number, to: number, seed: number) {
  return sql`
    WITH c AS (
      SELECT id, daily_rate, currency, (row_number() OVER (ORDER BY id)) - 1 AS n, count(*) OVER () AS total
      FROM cars WHERE status = 'active'
    ),
    u AS (SELECT array_agg(id ORDER BY email) AS ids FROM users WHERE email LIKE 'seed-%@voyage.example'),
    s AS (
      SELECT g AS i, (SELECT max(total) FROM c) AS ncars FROM generate_series(${from}::int, ${to}::int) g
    ),
    w AS (
      SELECT s.i, c.id AS car_id, c.daily_rate, c.currency,
             date_trunc('day', now()) - make_interval(days => 7 * (ceil(${count}::float8 / s.ncars / 3))::int)
               + make_interval(days => 7 * (s.i / s.ncars)::int, hours => abs(hashint4(s.i + ${seed}::int)) % 48) AS pickup,
             1 + abs(hashint4(s.i * 31 + ${seed}::int)) % 4 AS days
      FROM s JOIN c ON c.n = s.i % s.ncars
    )
    INSERT INTO bookings (user_id, car_id, pickup_time, dropoff_time, status, total_amount, currency, created_at, cancelled_at)
    SELECT u.ids[1 + abs(hashint4(w.i * 7 + ${seed}::int)) % cardinality(u.ids)],
           w.car_id, w.pickup, w.pickup + make_interval(days => w.days),
           CASE WHEN abs(hashint4(w.i * 13 + ${seed}::int)) % 10 = 0 THEN 'cancelled' ELSE 'confirmed' END,
           w.days * w.daily_rate, w.currency, w.pickup - interval '10 days',
           CASE WHEN abs(hashint4(w.i * 13 + ${seed}::int)) % 10 = 0 THEN w.pickup - interval '2 days' END
    FROM w, u
    ON CONFLICT DO NOTHING
  `.execute(db);
}

export async function seed(ctx: AppContext, opts: SeedOptions): Promise<SeedSummary> {
  const started = Date.now();
  const progress = opts.progress ?? (() => {});
  progress(`Seeding ${opts.cars} cars and ${opts.bookings} bookings (seed ${opts.seed})…`);
  const locations = await seedCars(ctx, opts.cars, opts.seed, progress);
  const users = opts.bookings > 0 ? Math.min(10_000, Math.max(10, Math.ceil(opts.bookings / 100))) : 0;
  if (users > 0) {
    progress(`  users: ${users}`);
    await seedUsers(ctx, users, opts.seed);
    progress(`  bookings: ${opts.bookings}`);
    await seedBookings(ctx, opts.bookings, opts.seed, progress);
  }
  await ctx.db.transaction().execute(async (tx) => {
    await sql`SET LOCAL statement_timeout = 0`.execute(tx);
    // Rebuilding busy rewrote every car: compact the table again, nearby cars together.
    await sql`CLUSTER cars USING cars_position_idx`.execute(tx);
    await sql`ANALYZE`.execute(tx);
  });
  return { locations, cars: opts.cars, users, bookings: opts.bookings, ms: Date.now() - started };
}

/**
 * First embedded start: a world of demo data and one account to sign in with; the travel
 * catalogue and the demo trip are added on their own when missing (a data directory from before
 * they existed gets them too).
 */
/** The demo's traveller and admin accounts, with verified addresses; created when missing. */
export async function ensureDemoAccounts(ctx: AppContext) {
  for (const account of [
    { ...DEMO_USER, role: 'customer' as const },
    { ...DEMO_ADMIN, role: 'admin' as const },
  ]) {
    await ctx.db
      .insertInto('users')
      .values({
        email: account.email,
        name: account.name,
        role: account.role,
        password_hash: await hashPassword(account.password),
        email_verified_at: new Date(),
      })
      .onConflict((oc) => oc.column('email').doNothing())
      .execute();
  }
}

export async function seedDemoIfEmpty(ctx: AppContext, services: Services): Promise<SeedSummary | undefined> {
  await ensureDemoAccounts(ctx);
  const any = await ctx.db.selectFrom('cars').select('id').limit(1).executeTakeFirst();
  if (any) {
    const travel = await seedTravelDemoIfEmpty(ctx, services);
    return travel ? { locations: 0, cars: 0, users: 0, bookings: 0, ms: 0, travel } : undefined;
  }
  const summary = await seed(ctx, { cars: 2000, bookings: 400, seed: 1 });
  const travel = await seedTravelDemoIfEmpty(ctx, services);
  return travel ? { ...summary, travel } : summary;
}
