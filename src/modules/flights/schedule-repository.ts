import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { Cabin, CabinPlan } from './tables.js';

export interface ScheduleRouteRow {
  id: string;
  origin: string;
  destination: string;
  flight_number: string;
  departure_time: string;
  duration_minutes: number;
  aircraft: string;
  currency: string;
  cabins: CabinPlan[];
  origin_city: string;
  destination_city: string;
  origin_tz: string;
  destination_tz: string;
  scheduled: number;
}

export interface DepartureCabinRow {
  flight_id: string;
  departure_at: Date;
  arrival_at: Date;
  cabin: Cabin;
  capacity: number;
  seats_available: number;
  fare: number;
}

/** The own schedule as the operator console reads it: routes, and each flight's seats by cabin. */
export function createScheduleRepository(base: Db) {
  return {
    async listRoutes(db: Db = base) {
      const res = await sql<ScheduleRouteRow>`
        SELECT r.id, r.origin, r.destination, r.flight_number, r.departure_time, r.duration_minutes,
               r.aircraft, r.currency, r.cabins,
               o.city AS origin_city, d.city AS destination_city,
               o.time_zone AS origin_tz, d.time_zone AS destination_tz,
               (SELECT count(*)::int FROM scheduled_flights f WHERE f.route_id = r.id) AS scheduled
        FROM flight_routes r
        JOIN airports o ON o.iata = r.origin
        JOIN airports d ON d.iata = r.destination
        ORDER BY r.origin, r.destination, r.departure_time, r.flight_number
      `.execute(db);
      return res.rows;
    },

    /** One row per flight and cabin for the route's departures in [from, to), soonest first. */
    async departures(routeId: string, from: Date, to: Date, db: Db = base) {
      return db
        .selectFrom('scheduled_flights as f')
        .innerJoin('flight_cabins as c', 'c.flight_id', 'f.id')
        .select([
          'f.id as flight_id',
          'f.departure_at',
          'f.arrival_at',
          'c.cabin',
          'c.capacity',
          'c.seats_available',
          'c.fare',
        ])
        .where('f.route_id', '=', routeId)
        .where('f.departure_at', '>=', from)
        .where('f.departure_at', '<', to)
        .orderBy('f.departure_at')
        .orderBy('c.cabin')
        .execute() as Promise<DepartureCabinRow[]>;
    },
  };
}
