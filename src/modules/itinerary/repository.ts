import type { Selectable } from 'kysely';
import type { Db } from '../database.js';
import type { TripPlansTable } from './tables.js';

export type PlanRow = Selectable<TripPlansTable>;

export function createItineraryRepository(base: Db) {
  return {
    insert(
      p: Omit<PlanRow, 'id' | 'created_at' | 'request' | 'days' | 'warnings'> & {
        request: unknown;
        days: unknown;
        warnings: string[];
      },
      db: Db,
    ) {
      return db
        .insertInto('trip_plans')
        .values({
          ...p,
          request: JSON.stringify(p.request),
          days: JSON.stringify(p.days),
          warnings: JSON.stringify(p.warnings),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    latest(tripId: string, db: Db = base) {
      return db
        .selectFrom('trip_plans')
        .selectAll()
        .where('trip_id', '=', tripId)
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst();
    },
  };
}
