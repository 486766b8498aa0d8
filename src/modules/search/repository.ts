import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type pg from 'pg';
import type { Db } from '../../database.js';
import type { CarRow } from '../fleet/repository.js';

/**
 * The search read model. It reads cars and bookings in one statement on purpose: the availability
 * test must run on a bookings index inside the same query to be fast (see docs/architecture.md,
 * "The search read model").
 */
export interface SearchFilter {
  lat: number;
  lng: number;
  radiusM: number;
  window?: { from: Date; to: Date };
  carClass?: string;
  maxDailyRate?: number;
  after?: { distanceM: number; id: string };
  limit: number;
}

export type SearchRow = Omit<CarRow, 'created_at' | 'updated_at'> & { distance_m: number };

/** The search statement, for execution here and for the raw-SQL benchmark. */
export function nearbyQuery(f: SearchFilter) {
  const origin = sql`ll_to_earth(${f.lat}::float8, ${f.lng}::float8)`;
  const distance = sql`earth_distance(${origin}, c.position)`;
  const conditions = [
    sql`c.status = 'active'`,
    sql`earth_box(${origin}, ${f.radiusM}::float8) @> c.position`,
    sql`${distance} <= ${f.radiusM}::float8`,
  ];
  if (f.carClass) conditions.push(sql`c.class = ${f.carClass}`);
  if (f.maxDailyRate) conditions.push(sql`c.daily_rate <= ${f.maxDailyRate}::int`);
  if (f.window) {
    // The same overlap test as the exclusion constraint ('[)' ranges), written so that it runs as an
    // index-only probe of bookings_car_window_idx.
    conditions.push(sql`NOT EXISTS (
          SELECT 1 FROM bookings b
          WHERE b.car_id = c.id AND b.status <> 'cancelled'
            AND b.pickup_time < ${f.window.to}::timestamptz AND b.dropoff_time > ${f.window.from}::timestamptz
        )`);
  }
  if (f.after)
    conditions.push(sql`(${distance}, c.id) > (${f.after.distanceM}::float8, ${f.after.id}::uuid)`);
  return sql<SearchRow>`
        SELECT c.id, c.location_id, c.make, c.model, c.class, c.seats, c.transmission, c.daily_rate, c.currency,
               c.lat, c.lng, c.status, ${distance} AS distance_m
        FROM cars c
        WHERE ${sql.join(conditions, sql` AND `)}
        ORDER BY distance_m, c.id
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
      const query = nearbyQuery(f).compile(db);
      const name = opts.prepare
        ? `search_${createHash('sha1').update(query.sql).digest('hex').slice(0, 16)}`
        : undefined;
      const res = await opts.pool.query<SearchRow>({
        text: query.sql,
        values: query.parameters as unknown[],
        ...(name && { name }),
      });
      return res.rows;
    },
  };
}
