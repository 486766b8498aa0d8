import { sql, type Updateable } from 'kysely';
import type { Db } from '../database.js';
import type { StayBookingsTable } from './tables.js';

interface HeldStay {
  id: string;
  room_type_id: string;
  check_in: string;
  check_out: string;
}

/**
 * Stay holds. Whatever changes a stay's status locks the room type's nights first (in night order,
 * as taking them does) and the stay's row second, so that a booking releasing a lapsed hold, the
 * job, and checkout confirming or cancelling that hold queue up instead of deadlocking.
 */
export function createStayHoldsRepository(base: Db) {
  return {
    /** Locks the room type's nights in [from, to), in order. */
    async lockNights(roomTypeId: string, from: string, to: string, db: Db) {
      await sql`
        SELECT night FROM room_inventory
        WHERE room_type_id = ${roomTypeId}::uuid AND night >= ${from}::date AND night < ${to}::date
        ORDER BY night
        FOR UPDATE
      `.execute(db);
    },

    /** The room type's holds lapsed before `now` that take a night of [from, to). */
    lapsedOverlapping(roomTypeId: string, from: string, to: string, now: Date, db: Db): Promise<HeldStay[]> {
      return db
        .selectFrom('stay_bookings')
        .select(['id', 'room_type_id', 'check_in', 'check_out'])
        .where('room_type_id', '=', roomTypeId)
        .where('status', '=', 'pending')
        .where('hold_expires_at', '<=', now)
        .where('check_in', '<', to)
        .where('check_out', '>', from)
        .execute();
    },

    /** Every hold lapsed before `now`, for the job. */
    lapsed(now: Date, db: Db = base): Promise<HeldStay[]> {
      return db
        .selectFrom('stay_bookings')
        .select(['id', 'room_type_id', 'check_in', 'check_out'])
        .where('status', '=', 'pending')
        .where('hold_expires_at', '<=', now)
        .execute();
    },

    /** Marks a lapsed hold expired; false when it was not (any more) a lapsed hold. */
    async expire(id: string, now: Date, db: Db): Promise<boolean> {
      const row = await db
        .updateTable('stay_bookings')
        .set({ status: 'expired', hold_expires_at: null })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where('hold_expires_at', '<=', now)
        .returning('id')
        .executeTakeFirst();
      return !!row;
    },

    lockBooking(id: string, db: Db) {
      return db.selectFrom('stay_bookings').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    },

    async update(id: string, patch: Updateable<StayBookingsTable>, db: Db) {
      await db.updateTable('stay_bookings').set(patch).where('id', '=', id).execute();
    },
  };
}

export type StayHoldsRepository = ReturnType<typeof createStayHoldsRepository>;
