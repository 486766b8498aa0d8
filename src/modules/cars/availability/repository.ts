import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type pg from 'pg';
import type { Db } from '../../database.js';
import type { CarRow } from '../fleet/tables.js';

/**
 * The search read model: active cars near a point, and, for a window, only those whose `busy`
 * multirange (a trigger-kept copy of their bookings) does not overlap it. See docs/architecture.md,
 * "The search read model".
 */
export interface SearchFilter {
  lat: number;
  lng: number;
  radiusM: number;
  window?: { from: Date; to: Date };
  carClass?: string;
  maxDailyRate?: number;
  minSeats?: number;
  transmission?: string;
  /** Keyset: the last row of the previous page (its `distance_key` and id). */
  after?: { key: number; id: string };
  limit: number;
}

export type SearchRow = Omit<CarRow, 'created_at' | 'updated_at'> & {
  distance_m: number;
  /** Straight-line (chord) distance through the earth: orders like `distance_m`, and is what the index orders by. */
  distance_key: number;
};

/**
 * The search statement, for execution here and for the raw-SQL benchmark.
 *
 * The inner query walks the GiST index on `cars.position` nearest first (`<->`, a KNN scan), so it
 * reads only as many cars as it returns plus those it filters out, however many sit in the radius.
 * `WITH TIES` keeps every car as near as the last one, so the outer sort by (distance, id), the
 * keyset order, is exact when cars share a spot. The origin is a sub-select so that it is computed
 * once per execution, also in a prepared statement's generic plan.
 */
export function nearbyQuery(f: SearchFilter) {
  const origin = sql`(SELECT ll_to_earth(${f.lat}::float8, ${f.lng}::float8))`;
  const key = sql`(c.position <-> ${origin})`;
  const conditions = [
    sql`c.status = 'active'`,
    sql`(SELECT earth_box(ll_to_earth(${f.lat}::float8, ${f.lng}::float8), ${f.radiusM}::float8)) @> c.position`,
    sql`earth_distance(${origin}, c.position) <= ${f.radiusM}::float8`,
  ];
  if (f.carClass) conditions.push(sql`c.class = ${f.carClass}`);
  if (f.maxDailyRate) conditions.push(sql`c.daily_rate <= ${f.maxDailyRate}::int`);
  if (f.minSeats) conditions.push(sql`c.seats >= ${f.minSeats}::int`);
  if (f.transmission) conditions.push(sql`c.transmission = ${f.transmission}`);
  if (f.window) {
    // cars.busy holds the car's bookings as one multirange, kept in step with bookings by triggers.
    conditions.push(
      sql`NOT (c.busy && tstzrange(${f.window.from}::timestamptz, ${f.window.to}::timestamptz))`,
    );
  }
  if (f.after) conditions.push(sql`(${key}, c.id) > (${f.after.key}::float8, ${f.after.id}::uuid)`);
  return sql<SearchRow>`
        SELECT n.*, sec_to_gc(n.distance_key) AS distance_m
        FROM (
          SELECT c.id, c.location_id, c.make, c.model, c.class, c.seats, c.transmission, c.daily_rate,
                 c.currency, c.lat, c.lng, c.status, c.free_cancellation_hours, c.cancellation_fee_bp,
                 ${key} AS distance_key
          FROM cars c
          WHERE ${sql.join(conditions, sql` AND `)}
          ORDER BY ${key}
          FETCH FIRST (${f.limit}::int) ROWS WITH TIES
        ) n
        ORDER BY n.distance_key, n.id
        LIMIT ${f.limit}::int
      `;
}

/**
 * On a Postgres server the statement runs as a named prepared statement: planning it costs as much
 * as running it. PGlite keeps statements per session while pg forgets them when it replaces a
 * client, so there it runs unnamed.
 */
export function createSearchRepository(db: Db, opts: { pool: pg.Pool; prepare: boolean }) {
  return {
    async nearby(f: SearchFilter): Promise<SearchRow[]> {
      const res = await opts.pool.query<SearchRow>(nearbyStatement(db, f, opts.prepare));
      return res.rows;
    },
  };
}

/** The statement as pg runs it: named (prepared once per connection) when `prepare` is set. */
export function nearbyStatement(db: Kysely<never> | Db, f: SearchFilter, prepare: boolean): pg.QueryConfig {
  const query = nearbyQuery(f).compile(db);
  const name = prepare
    ? `search_${createHash('sha1').update(query.sql).digest('hex').slice(0, 16)}`
    : undefined;
  return { text: query.sql, values: query.parameters as unknown[], ...(name && { name }) };
}
