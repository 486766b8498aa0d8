import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type pg from 'pg';
import type { Db } from '../../database.js';
import type { CarRow } from '../fleet/repository.js';

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
    // cars.busy holds the car's bookings as one multirange, kept in step with bookings by triggers.
    conditions.push(
      sql`NOT (c.busy && tstzrange(${f.window.from}::timestamptz, ${f.window.to}::timestamptz))`,
    );
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
