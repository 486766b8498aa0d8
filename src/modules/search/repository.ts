import { sql } from 'kysely';
import type { Db } from '../../database.js';
import type { CarRow } from '../fleet/repository.js';

/**
 * The search read model. It reads cars and bookings in one statement on purpose: the availability
 * test must run on the bookings exclusion index inside the same query to be fast (see
 * docs/architecture.md, "read models").
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

export function createSearchRepository(db: Db) {
  return {
    async nearby(f: SearchFilter): Promise<SearchRow[]> {
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
        conditions.push(sql`NOT EXISTS (
          SELECT 1 FROM bookings b
          WHERE b.car_id = c.id AND b.status <> 'cancelled'
            AND tstzrange(b.pickup_time, b.dropoff_time) && tstzrange(${f.window.from}::timestamptz, ${f.window.to}::timestamptz)
        )`);
      }
      if (f.after)
        conditions.push(sql`(${distance}, c.id) > (${f.after.distanceM}::float8, ${f.after.id}::uuid)`);
      const result = await sql<SearchRow>`
        SELECT c.id, c.location_id, c.make, c.model, c.class, c.seats, c.transmission, c.daily_rate, c.currency,
               c.lat, c.lng, c.status, ${distance} AS distance_m
        FROM cars c
        WHERE ${sql.join(conditions, sql` AND `)}
        ORDER BY distance_m, c.id
        LIMIT ${f.limit}::int
      `.execute(db);
      return result.rows;
    },
  };
}
