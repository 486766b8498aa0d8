import { sql, type Updateable } from 'kysely';
import type { Db } from '../database.js';
import type { FlightBookingsTable } from './tables.js';

/**
 * Holds on Voyage's own flights. Whatever changes a held booking's status locks the flight's cabin
 * row first and the booking's row second — the order in which a booking that releases lapsed
 * holds takes them — so that the job, checkout and travellers queue up instead of deadlocking.
 */
export function createFlightHoldsRepository(base: Db) {
  return {
    async lockCabin(flightId: string, cabin: string, db: Db) {
      await sql`
        SELECT 1 FROM flight_cabins WHERE flight_id = ${flightId}::uuid AND cabin = ${cabin} FOR UPDATE
      `.execute(db);
    },

    /**
     * Marks the cabin's holds lapsed before `now` expired and gives their seats back; run with the
     * cabin locked. Returns how many holds were released.
     */
    async releaseLapsed(flightId: string, cabin: string, now: Date, db: Db): Promise<number> {
      const res = await sql<{ holds: number }>`
        WITH released AS (
          UPDATE flight_bookings SET status = 'expired', hold_expires_at = NULL
          WHERE own_flight_id = ${flightId}::uuid AND cabin = ${cabin} AND status = 'pending'
            AND hold_expires_at <= ${now}::timestamptz
          RETURNING seats
        ),
        seats AS (
          UPDATE flight_cabins SET seats_available = seats_available + (SELECT sum(seats) FROM released)
          WHERE flight_id = ${flightId}::uuid AND cabin = ${cabin} AND EXISTS (SELECT 1 FROM released)
        )
        SELECT count(*)::int AS holds FROM released
      `.execute(db);
      return res.rows[0]?.holds ?? 0;
    },

    async releaseSeats(flightId: string, cabin: string, seats: number, db: Db) {
      await sql`
        UPDATE flight_cabins SET seats_available = seats_available + ${seats}::int
        WHERE flight_id = ${flightId}::uuid AND cabin = ${cabin}
      `.execute(db);
    },

    /** Cabins with a hold lapsed before `now`, for the job. */
    lapsedCabins(now: Date, db: Db = base) {
      return db
        .selectFrom('flight_bookings')
        .select(['own_flight_id', 'cabin'])
        .distinct()
        .where('status', '=', 'pending')
        .where('hold_expires_at', '<=', now)
        .where('own_flight_id', 'is not', null)
        .execute();
    },

    lockBooking(id: string, db: Db) {
      return db.selectFrom('flight_bookings').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    },

    update(id: string, patch: Updateable<FlightBookingsTable>, db: Db) {
      return db
        .updateTable('flight_bookings')
        .set(patch)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    },
  };
}

export type FlightHoldsRepository = ReturnType<typeof createFlightHoldsRepository>;
