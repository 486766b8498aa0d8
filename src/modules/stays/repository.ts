import { type Insertable, type Selectable, sql } from 'kysely';
import type { Db } from '../database.js';
import type { PropertiesTable, RoomTypesTable, StayBookingsTable } from './tables.js';

export type PropertyRow = Omit<Selectable<PropertiesTable>, 'position'>;
export type RoomTypeRow = Selectable<RoomTypesTable>;
export type StayBookingRow = Selectable<StayBookingsTable>;

const PROPERTY_COLUMNS = [
  'p.id',
  'p.name',
  'p.city',
  'p.country',
  'p.address',
  'p.lat',
  'p.lng',
  'p.stars',
  'p.amenities',
  'p.check_in_time',
  'p.check_out_time',
  'p.time_zone',
  'p.currency',
  'p.status',
  'p.created_at',
] as const;

export type BookingWithPlace = StayBookingRow & {
  room_type_name: string;
  property_name: string;
  city: string;
  address: string;
  lat: number;
  lng: number;
  time_zone: string;
  check_in_time: string;
  check_out_time: string;
};

export interface AvailabilityFilter {
  checkIn: string;
  checkOut: string;
  nights: number;
  guests: number;
  near?: { lat: number; lng: number; radiusM: number };
  city?: string;
  minStars?: number;
  /** The stay's total, over every night. */
  maxTotal?: number;
  limit: number;
}

export type AvailabilityRow = PropertyRow & {
  room_type_id: string;
  room_type_name: string;
  max_guests: number;
  nightly_rate: number;
  free_cancellation_hours: number;
  cancellation_fee_bp: number;
  total: number;
  rooms_left: number;
  distance_m: number | null;
};

export function createStaysRepository(base: Db) {
  const bookingQuery = (db: Db) =>
    db
      .selectFrom('stay_bookings as b')
      .innerJoin('room_types as rt', 'rt.id', 'b.room_type_id')
      .innerJoin('properties as p', 'p.id', 'b.property_id')
      .selectAll('b')
      .select([
        'rt.name as room_type_name',
        'p.name as property_name',
        'p.city',
        'p.address',
        'p.lat',
        'p.lng',
        'p.time_zone',
        'p.check_in_time',
        'p.check_out_time',
      ]);

  return {
    insertProperty(p: Omit<PropertyRow, 'id' | 'created_at' | 'status'>, db: Db = base) {
      return db
        .insertInto('properties')
        .values(p)
        .returning(PROPERTY_COLUMNS.map((c) => c.slice(2) as 'id'))
        .executeTakeFirstOrThrow() as Promise<PropertyRow>;
    },

    findProperty(id: string, db: Db = base) {
      return db
        .selectFrom('properties as p')
        .select(PROPERTY_COLUMNS)
        .where('p.id', '=', id)
        .executeTakeFirst();
    },

    roomTypesOf(propertyId: string, db: Db = base) {
      return db
        .selectFrom('room_types')
        .selectAll()
        .where('property_id', '=', propertyId)
        .orderBy('nightly_rate')
        .execute();
    },

    insertRoomType(r: Insertable<RoomTypesTable>, db: Db = base) {
      return db.insertInto('room_types').values(r).returningAll().executeTakeFirstOrThrow();
    },

    findRoomType(id: string, db: Db = base) {
      return db
        .selectFrom('room_types as rt')
        .innerJoin('properties as p', 'p.id', 'rt.property_id')
        .selectAll('rt')
        .select([
          'p.time_zone',
          'p.currency',
          'p.name as property_name',
          'p.city',
          'p.status as property_status',
        ])
        .where('rt.id', '=', id)
        .executeTakeFirst();
    },

    /** Puts `rooms` rooms on sale for every night in [from, to); never below what is booked. */
    async setInventory(
      roomTypeId: string,
      from: string,
      to: string,
      rooms: number,
      rate: number,
      db: Db = base,
    ) {
      const res = await sql`
        INSERT INTO room_inventory (room_type_id, night, capacity, rate)
        SELECT ${roomTypeId}::uuid, d::date, ${rooms}::int, ${rate}::int
        FROM generate_series(${from}::date, ${to}::date - 1, interval '1 day') d
        ON CONFLICT (room_type_id, night) DO UPDATE SET capacity = EXCLUDED.capacity, rate = EXCLUDED.rate
      `.execute(db);
      return Number(res.numAffectedRows ?? 0);
    },

    /**
     * Keeps every room type on sale until `until`: nights after its last one get the last night's
     * rooms at the room type's rate. Nights already there are left alone.
     */
    async rollInventory(today: string, until: string, db: Db = base): Promise<number> {
      const res = await sql`
        INSERT INTO room_inventory (room_type_id, night, capacity, rate)
        SELECT rt.id, d::date, last.capacity, rt.nightly_rate
        FROM room_types rt
        JOIN LATERAL (
          SELECT night, capacity FROM room_inventory WHERE room_type_id = rt.id ORDER BY night DESC LIMIT 1
        ) last ON true
        CROSS JOIN LATERAL generate_series(greatest(last.night + 1, ${today}::date), ${until}::date - 1, interval '1 day') d
        ON CONFLICT (room_type_id, night) DO NOTHING
      `.execute(db);
      return Number(res.numAffectedRows ?? 0);
    },

    inventory(roomTypeId: string, from: string, to: string, db: Db = base) {
      return db
        .selectFrom('room_inventory')
        .select(['night', 'capacity', 'booked', 'rate'])
        .where('room_type_id', '=', roomTypeId)
        .where('night', '>=', from)
        .where('night', '<', to)
        .orderBy('night')
        .execute();
    },

    /**
     * Takes one room on every night of [from, to) in a single statement. Rows are locked in night
     * order (so concurrent stays cannot deadlock); a full night violates the CHECK and the whole
     * statement fails, taking nothing.
     */
    async reserveNights(roomTypeId: string, from: string, to: string, db: Db) {
      const res = await sql<{ night: string; rate: number }>`
        UPDATE room_inventory i SET booked = i.booked + 1
        FROM (
          SELECT room_type_id, night FROM room_inventory
          WHERE room_type_id = ${roomTypeId}::uuid AND night >= ${from}::date AND night < ${to}::date
          ORDER BY night
          FOR UPDATE
        ) locked
        WHERE i.room_type_id = locked.room_type_id AND i.night = locked.night
        RETURNING i.night, i.rate
      `.execute(db);
      return res.rows;
    },

    /** Gives one room back on every night of [from, to), locking the nights in order as taking does. */
    async releaseNights(roomTypeId: string, from: string, to: string, db: Db) {
      await sql`
        UPDATE room_inventory i SET booked = i.booked - 1
        FROM (
          SELECT room_type_id, night FROM room_inventory
          WHERE room_type_id = ${roomTypeId}::uuid AND night >= ${from}::date AND night < ${to}::date
          ORDER BY night
          FOR UPDATE
        ) locked
        WHERE i.room_type_id = locked.room_type_id AND i.night = locked.night
      `.execute(db);
    },

    async firstFullNight(roomTypeId: string, from: string, to: string, db: Db = base) {
      const row = await db
        .selectFrom('room_inventory')
        .select('night')
        .where('room_type_id', '=', roomTypeId)
        .where('night', '>=', from)
        .where('night', '<', to)
        .whereRef('booked', '>=', 'capacity')
        .orderBy('night')
        .limit(1)
        .executeTakeFirst();
      return row?.night;
    },

    insertBooking(b: Insertable<StayBookingsTable>, db: Db): Promise<{ id: string }> {
      return db.insertInto('stay_bookings').values(b).returning('id').executeTakeFirstOrThrow();
    },

    findBooking(id: string, db: Db = base): Promise<BookingWithPlace | undefined> {
      return bookingQuery(db).where('b.id', '=', id).executeTakeFirst();
    },

    listForUser(
      userId: string,
      opts: { limit: number; before?: { createdAt: Date; id: string } },
      db: Db = base,
    ): Promise<BookingWithPlace[]> {
      let q = bookingQuery(db)
        .where('b.user_id', '=', userId)
        .orderBy('b.created_at', 'desc')
        .orderBy('b.id', 'desc')
        .limit(opts.limit);
      if (opts.before) {
        const { createdAt, id } = opts.before;
        q = q.where((eb) => eb(eb.refTuple('b.created_at', 'b.id'), '<', eb.tuple(createdAt, id)));
      }
      return q.execute();
    },

    /** Cancels a confirmed stay that has not begun; undefined otherwise. */
    cancel(id: string, today: string, now: Date, db: Db) {
      return db
        .updateTable('stay_bookings')
        .set({ status: 'cancelled', cancelled_at: now })
        .where('id', '=', id)
        .where('status', '=', 'confirmed')
        .where('check_in', '>', today)
        .returningAll()
        .executeTakeFirst();
    },

    /** Room types free on every night of the stay, with the stay's total, nearest or cheapest first. */
    async available(f: AvailabilityFilter): Promise<AvailabilityRow[]> {
      const origin = f.near ? sql`ll_to_earth(${f.near.lat}::float8, ${f.near.lng}::float8)` : undefined;
      const distance = origin ? sql`earth_distance(${origin}, p.position)` : sql`NULL::float8`;
      const where = [sql`p.status = 'active'`, sql`rt.max_guests >= ${f.guests}::int`];
      if (origin && f.near) {
        where.push(sql`earth_box(${origin}, ${f.near.radiusM}::float8) @> p.position`);
        where.push(sql`${distance} <= ${f.near.radiusM}::float8`);
      }
      if (f.city) where.push(sql`lower(p.city) = lower(${f.city})`);
      if (f.minStars !== undefined) where.push(sql`p.stars >= ${f.minStars}::int`);
      if (f.maxTotal !== undefined) where.push(sql`free.total <= ${f.maxTotal}::bigint`);
      const res = await sql<AvailabilityRow>`
        WITH free AS (
          SELECT i.room_type_id, sum(i.rate)::bigint AS total, min(i.capacity - i.booked)::int AS rooms_left
          FROM room_inventory i
          WHERE i.night >= ${f.checkIn}::date AND i.night < ${f.checkOut}::date AND i.booked < i.capacity
          GROUP BY i.room_type_id
          HAVING count(*) = ${f.nights}::int
        ),
        candidates AS (
          SELECT p.id, p.name, p.city, p.country, p.address, p.lat, p.lng, p.stars, p.amenities,
                 p.check_in_time, p.check_out_time, p.time_zone, p.currency, p.status, p.created_at,
                 rt.id AS room_type_id, rt.name AS room_type_name, rt.max_guests, rt.nightly_rate,
                 rt.free_cancellation_hours, rt.cancellation_fee_bp,
                 free.total, free.rooms_left, ${distance} AS distance_m
          FROM properties p
          JOIN room_types rt ON rt.property_id = p.id
          JOIN free ON free.room_type_id = rt.id
          WHERE ${sql.join(where, sql` AND `)}
        ),
        chosen AS (
          SELECT id FROM candidates GROUP BY id
          ORDER BY min(distance_m) NULLS LAST, min(total), id
          LIMIT ${f.limit}::int
        )
        SELECT c.* FROM candidates c JOIN chosen USING (id)
        ORDER BY c.distance_m NULLS LAST, c.id, c.total
      `.execute(base);
      return res.rows;
    },
  };
}

export type StaysRepository = ReturnType<typeof createStaysRepository>;
export type RoomTypeWithProperty = NonNullable<Awaited<ReturnType<StaysRepository['findRoomType']>>>;
