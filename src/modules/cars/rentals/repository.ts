import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Db } from '../../database.js';
import type { BookingsTable } from './tables.js';

export type BookingRow = Selectable<BookingsTable>;

export function createBookingsRepository(base: Db) {
  return {
    insertBooking(b: Insertable<BookingsTable>, db: Db = base) {
      return db.insertInto('bookings').values(b).returningAll().executeTakeFirstOrThrow();
    },

    /** The booking, its row locked until the transaction ends. */
    lockBooking(id: string, db: Db) {
      return db.selectFrom('bookings').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    },

    /** Cars with a hold that lapsed before `now`, for the release job. */
    async carsWithLapsedHolds(now: Date, db: Db = base): Promise<string[]> {
      const rows = await db
        .selectFrom('bookings')
        .select('car_id')
        .distinct()
        .where('status', '=', 'pending')
        .where('hold_expires_at', '<=', now)
        .execute();
      return rows.map((r) => r.car_id);
    },

    /**
     * Releases the car's holds that lapsed before `now`. Run with the car's row locked (so that
     * this, a booking of the car and the job take their locks in the same order).
     */
    async releaseLapsedHolds(carId: string, now: Date, db: Db): Promise<number> {
      const rows = await db
        .updateTable('bookings')
        .set({ status: 'expired', hold_expires_at: null })
        .where('car_id', '=', carId)
        .where('status', '=', 'pending')
        .where('hold_expires_at', '<=', now)
        .returning('id')
        .execute();
      return rows.length;
    },

    update(id: string, patch: Updateable<BookingsTable>, db: Db) {
      return db
        .updateTable('bookings')
        .set(patch)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    findBooking(id: string, db: Db = base) {
      return db.selectFrom('bookings').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** Newest first, keyset on (created_at, id). */
    listForUser(
      userId: string,
      opts: { limit: number; before?: { createdAt: Date; id: string } },
      db: Db = base,
    ) {
      let q = db
        .selectFrom('bookings')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(opts.limit);
      if (opts.before) {
        const { createdAt, id } = opts.before;
        q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(createdAt, id)));
      }
      return q.execute();
    },

    /** A car's confirmed bookings not yet over (under way or to come), soonest first. */
    upcomingForCar(carId: string, now: Date, db: Db = base) {
      return db
        .selectFrom('bookings')
        .selectAll()
        .where('car_id', '=', carId)
        .where('status', '=', 'confirmed')
        .where('dropoff_time', '>', now)
        .orderBy('pickup_time')
        .execute();
    },

    /** Cancels a confirmed booking that has not started; undefined when that is not the case. */
    cancel(id: string, now: Date, db: Db = base) {
      return db
        .updateTable('bookings')
        .set({ status: 'cancelled', cancelled_at: now })
        .where('id', '=', id)
        .where('status', '=', 'confirmed')
        .where('pickup_time', '>', now)
        .returningAll()
        .executeTakeFirst();
    },
  };
}
