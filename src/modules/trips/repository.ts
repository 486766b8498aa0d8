import { type Selectable, sql, type Updateable } from 'kysely';
import { daysBetween } from '../../platform/dates.js';
import type { Db } from '../database.js';
import type { Trip, TripRole } from './schemas.js';
import type { TripCollaboratorsTable, TripItemsTable, TripRow, TripStatus, TripsTable } from './tables.js';

export type { TripRow } from './tables.js';

export type TripItemRow = Selectable<TripItemsTable>;
export type CollaboratorRow = Selectable<TripCollaboratorsTable>;

export function createTripsRepository(base: Db) {
  return {
    insert(
      t: Omit<TripRow, 'id' | 'status' | 'status_changed_at' | 'created_at' | 'updated_at'>,
      db: Db = base,
    ) {
      return db.insertInto('trips').values(t).returningAll().executeTakeFirstOrThrow();
    },

    find(id: string, db: Db = base) {
      return db.selectFrom('trips').selectAll().where('id', '=', id).executeTakeFirst();
    },

    update(id: string, patch: Updateable<TripsTable>, db: Db = base) {
      return db
        .updateTable('trips')
        .set({ ...patch, updated_at: new Date() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },

    /** A planning trip becomes booked when a booking is added; other statuses stay. */
    async markBooked(id: string, db: Db) {
      await db
        .updateTable('trips')
        .set({ status: 'booked' })
        .where('id', '=', id)
        .where('status', '=', 'planning')
        .execute();
    },

    async remove(id: string, db: Db = base) {
      await db.deleteFrom('trips').where('id', '=', id).execute();
    },

    /** Trips a user owns or was invited to (by email), soonest first. */
    listFor(userId: string, email: string, db: Db = base) {
      return db
        .selectFrom('trips as t')
        .leftJoin('trip_collaborators as c', (j) =>
          j.onRef('c.trip_id', '=', 't.id').on('c.email', '=', email),
        )
        .selectAll('t')
        .select('c.role as collaborator_role')
        .where((eb) => eb.or([eb('t.owner_id', '=', userId), eb('c.email', '=', email)]))
        .orderBy('t.start_date')
        .orderBy('t.id')
        .execute();
    },

    /** Open trips whose last day is over where they happen. */
    async completeEnded(now: Date, db: Db = base): Promise<number> {
      const res = await sql`
        UPDATE trips SET status = 'completed', updated_at = ${now}::timestamptz
        WHERE status IN ('planning', 'booked') AND end_date < (${now}::timestamptz AT TIME ZONE time_zone)::date
      `.execute(db);
      return Number(res.numAffectedRows ?? 0);
    },

    allowedTransitions(from: TripStatus, db: Db = base) {
      return db
        .selectFrom('trip_status_transitions')
        .select('to_status')
        .where('from_status', '=', from)
        .execute()
        .then((rows) => rows.map((r) => r.to_status));
    },

    collaboratorRole(tripId: string, email: string, db: Db = base) {
      return db
        .selectFrom('trip_collaborators')
        .select('role')
        .where('trip_id', '=', tripId)
        .where('email', '=', email)
        .executeTakeFirst()
        .then((r) => r?.role);
    },

    collaborators(tripId: string, db: Db = base) {
      return db
        .selectFrom('trip_collaborators')
        .selectAll()
        .where('trip_id', '=', tripId)
        .orderBy('created_at')
        .execute();
    },

    insertCollaborator(c: Omit<CollaboratorRow, 'id' | 'created_at'>, db: Db) {
      return db.insertInto('trip_collaborators').values(c).returningAll().executeTakeFirstOrThrow();
    },

    async removeCollaborator(tripId: string, id: string, db: Db = base) {
      const res = await db
        .deleteFrom('trip_collaborators')
        .where('trip_id', '=', tripId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(res.numDeletedRows) === 1;
    },

    items(tripId: string, db: Db = base) {
      return db
        .selectFrom('trip_items')
        .selectAll()
        .where('trip_id', '=', tripId)
        .orderBy(sql`starts_at NULLS LAST`)
        .orderBy('created_at')
        .execute();
    },

    insertItem(i: Omit<TripItemRow, 'id' | 'created_at'>, db: Db) {
      return db.insertInto('trip_items').values(i).returningAll().executeTakeFirstOrThrow();
    },

    async removeItem(tripId: string, id: string, db: Db = base) {
      const res = await db
        .deleteFrom('trip_items')
        .where('trip_id', '=', tripId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(res.numDeletedRows) === 1;
    },
  };
}

export type TripsRepository = ReturnType<typeof createTripsRepository>;

/** A stored trip as the API shows it to someone with `role` on it. */
export function toTrip(r: TripRow, role: TripRole): Trip {
  return {
    id: r.id,
    ownerId: r.owner_id,
    name: r.name,
    destination: r.destination,
    destinationLat: r.destination_lat,
    destinationLng: r.destination_lng,
    timeZone: r.time_zone,
    startDate: r.start_date,
    endDate: r.end_date,
    days: daysBetween(r.start_date, r.end_date) + 1,
    travellers: r.travellers,
    status: r.status,
    role,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}
