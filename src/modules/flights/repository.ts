import { type Insertable, type Selectable, sql } from 'kysely';
import type { Db } from '../database.js';
import type { AirportsTable, Cabin, CabinPlan, FlightBookingsTable, FlightRoutesTable } from './tables.js';

export type AirportRow = Selectable<AirportsTable>;
export type RouteRow = Selectable<FlightRoutesTable>;
export type FlightBookingRow = Selectable<FlightBookingsTable>;

export interface ScheduledOfferRow {
  flight_id: string;
  departure_at: Date;
  arrival_at: Date;
  flight_number: string;
  aircraft: string;
  duration_minutes: number;
  currency: string;
  cabin: Cabin;
  fare: number;
  seats_available: number;
  origin: string;
  origin_name: string;
  origin_tz: string;
  destination: string;
  destination_name: string;
  destination_tz: string;
  free_cancellation_hours: number;
  cancellation_fee_bp: number;
}

export function createFlightsRepository(base: Db) {
  return {
    listAirports(db: Db = base) {
      return db.selectFrom('airports').selectAll().orderBy('iata').execute();
    },

    findAirport(iata: string, db: Db = base) {
      return db.selectFrom('airports').selectAll().where('iata', '=', iata).executeTakeFirst();
    },

    insertAirport(a: AirportRow, db: Db = base) {
      return db
        .insertInto('airports')
        .values(a)
        .onConflict((oc) =>
          oc.column('iata').doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            city: eb.ref('excluded.city'),
            country: eb.ref('excluded.country'),
            lat: eb.ref('excluded.lat'),
            lng: eb.ref('excluded.lng'),
            time_zone: eb.ref('excluded.time_zone'),
          })),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    insertRoute(
      r: Omit<
        RouteRow,
        'id' | 'created_at' | 'cabins' | 'free_cancellation_hours' | 'cancellation_fee_bp'
      > & {
        cabins: CabinPlan[];
      },
      db: Db = base,
    ): Promise<RouteRow> {
      return db
        .insertInto('flight_routes')
        .values({ ...r, cabins: JSON.stringify(r.cabins) })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /**
     * Daily flights of every route (or one) for the dates [from, to), at the route's local departure
     * time in the origin's time zone; flights already scheduled are kept as they are.
     */
    async scheduleFlights(from: string, to: string, routeId?: string, db: Db = base): Promise<number> {
      const res = await sql<{ n: number }>`
        WITH inserted AS (
          INSERT INTO scheduled_flights (route_id, departure_at, arrival_at)
          SELECT r.id,
                 (d::date + r.departure_time) AT TIME ZONE a.time_zone,
                 ((d::date + r.departure_time) AT TIME ZONE a.time_zone) + make_interval(mins => r.duration_minutes)
          FROM flight_routes r
          JOIN airports a ON a.iata = r.origin
          CROSS JOIN generate_series(${from}::date, ${to}::date - 1, interval '1 day') d
          WHERE ${routeId ?? null}::uuid IS NULL OR r.id = ${routeId ?? null}::uuid
          ON CONFLICT (route_id, departure_at) DO NOTHING
          RETURNING id, route_id
        ),
        cabins AS (
          INSERT INTO flight_cabins (flight_id, cabin, capacity, seats_available, fare)
          SELECT i.id, c.cabin, c.seats, c.seats, c.fare
          FROM inserted i
          JOIN flight_routes r ON r.id = i.route_id
          CROSS JOIN LATERAL jsonb_to_recordset(r.cabins) AS c(cabin text, seats int, fare int)
          RETURNING 1
        )
        SELECT count(*)::int AS n FROM inserted
      `.execute(db);
      return res.rows[0]?.n ?? 0;
    },

    async countFlights(routeId: string, db: Db = base) {
      const row = await db
        .selectFrom('scheduled_flights')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('route_id', '=', routeId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async countRoutes(db: Db = base) {
      const row = await db
        .selectFrom('flight_routes')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Direct flights departing on a local date at the origin, with enough seats in the cabin. */
    async scheduledOffers(
      q: { from: string; to: string; date: string; cabin: Cabin; seats: number; after: Date },
      db: Db = base,
    ) {
      const res = await sql<ScheduledOfferRow>`
        SELECT f.id AS flight_id, f.departure_at, f.arrival_at, r.flight_number, r.aircraft, r.duration_minutes,
               r.currency, c.cabin, c.fare, c.seats_available, r.free_cancellation_hours, r.cancellation_fee_bp,
               o.iata AS origin, o.name AS origin_name, o.time_zone AS origin_tz,
               d.iata AS destination, d.name AS destination_name, d.time_zone AS destination_tz
        FROM flight_routes r
        JOIN airports o ON o.iata = r.origin
        JOIN airports d ON d.iata = r.destination
        JOIN scheduled_flights f ON f.route_id = r.id
        JOIN flight_cabins c ON c.flight_id = f.id AND c.cabin = ${q.cabin}
        WHERE r.origin = ${q.from} AND r.destination = ${q.to}
          AND f.departure_at >= (${q.date}::date)::timestamp AT TIME ZONE o.time_zone
          AND f.departure_at < (${q.date}::date + 1)::timestamp AT TIME ZONE o.time_zone
          AND f.departure_at > ${q.after}::timestamptz
          AND c.seats_available >= ${q.seats}::int
        ORDER BY f.departure_at, r.flight_number
      `.execute(db);
      return res.rows;
    },

    async cabin(flightId: string, cabin: Cabin, db: Db = base) {
      return db
        .selectFrom('flight_cabins')
        .selectAll()
        .where('flight_id', '=', flightId)
        .where('cabin', '=', cabin)
        .executeTakeFirst();
    },

    /** Takes seats in one statement; the CHECK refuses to go below zero. */
    async takeSeats(flightId: string, cabin: string, seats: number, db: Db) {
      const res = await sql`
        UPDATE flight_cabins SET seats_available = seats_available - ${seats}::int
        WHERE flight_id = ${flightId}::uuid AND cabin = ${cabin}
      `.execute(db);
      return Number(res.numAffectedRows ?? 0) === 1;
    },

    async releaseSeats(flightId: string, cabin: string, seats: number, db: Db) {
      await sql`
        UPDATE flight_cabins SET seats_available = seats_available + ${seats}::int
        WHERE flight_id = ${flightId}::uuid AND cabin = ${cabin}
      `.execute(db);
    },

    insertBooking(
      b: Omit<Insertable<FlightBookingsTable>, 'segments' | 'passengers'> & {
        segments: unknown;
        passengers: unknown;
      },
      db: Db,
    ) {
      return db
        .insertInto('flight_bookings')
        .values({ ...b, segments: JSON.stringify(b.segments), passengers: JSON.stringify(b.passengers) })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    findBooking(id: string, db: Db = base) {
      return db.selectFrom('flight_bookings').selectAll().where('id', '=', id).executeTakeFirst();
    },

    listForUser(
      userId: string,
      opts: { limit: number; before?: { createdAt: Date; id: string } },
      db: Db = base,
    ) {
      let q = db
        .selectFrom('flight_bookings')
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

    cancel(id: string, now: Date, db: Db) {
      return db
        .updateTable('flight_bookings')
        .set({ status: 'cancelled', cancelled_at: now })
        .where('id', '=', id)
        .where('status', '=', 'confirmed')
        .where('departure_at', '>', now)
        .returningAll()
        .executeTakeFirst();
    },
  };
}

export type FlightsRepository = ReturnType<typeof createFlightsRepository>;
