import type { Selectable } from 'kysely';
import type { Db } from '../../database.js';
import type { BookingsTable } from './tables.js';

export type BookingRow = Selectable<BookingsTable>;

export function createBookingsRepository(base: Db) {
  return {
    insertBooking(b: Omit<BookingRow, 'id' | 'created_at' | 'cancelled_at' | 'status'>, db: Db = base) {
      return db.insertInto('bookings').values(b).returningAll().executeTakeFirstOrThrow();
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
