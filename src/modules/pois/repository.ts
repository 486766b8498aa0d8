import { type Selectable, sql } from 'kysely';
import type { Db } from '../database.js';
import type { PoisTable } from './tables.js';

export type PoiRow = Selectable<PoisTable>;

export function createPoisRepository(base: Db) {
  return {
    insert(
      p: Omit<PoiRow, 'id' | 'created_at' | 'opening_hours'> & { opening_hours: unknown },
      db: Db = base,
    ) {
      return db
        .insertInto('pois')
        .values({ ...p, opening_hours: JSON.stringify(p.opening_hours) })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    find(id: string, db: Db = base) {
      return db.selectFrom('pois').selectAll().where('id', '=', id).executeTakeFirst();
    },

    findMany(ids: string[], db: Db = base) {
      if (ids.length === 0) return Promise.resolve([]);
      return db.selectFrom('pois').selectAll().where('id', 'in', ids).execute();
    },

    inCity(city: string, opts: { category?: string; limit: number }, db: Db = base) {
      let q = db
        .selectFrom('pois')
        .selectAll()
        .where(sql`lower(city)`, '=', city.toLowerCase())
        .orderBy('name')
        .limit(opts.limit);
      if (opts.category) q = q.where('category', '=', opts.category as PoiRow['category']);
      return q.execute();
    },

    cities(db: Db = base) {
      return sql<{
        city: string;
        country: string;
        time_zone: string;
        lat: number;
        lng: number;
        pois: number;
      }>`
        SELECT city, min(country) AS country, min(time_zone) AS time_zone, avg(lat) AS lat, avg(lng) AS lng,
               count(*)::int AS pois
        FROM pois GROUP BY city ORDER BY city
      `
        .execute(db)
        .then((r) => r.rows);
    },
  };
}
