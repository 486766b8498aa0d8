import type { Clock } from '../../platform/clock.js';
import { addDays, todayIn, zonedInstant } from '../../platform/dates.js';
import { badRequest, notFound } from '../../platform/http/errors.js';
import { policyColumns } from '../checkout/policy.js';
import type { Db } from '../database.js';
import { toAirport } from './mappers.js';
import type { FlightsRepository } from './repository.js';
import { createScheduleRepository, type ScheduleRouteRow } from './schedule-repository.js';
import type {
  Airport,
  AirportCreate,
  Departure,
  DeparturesQuery,
  Route,
  RouteCreate,
  RouteDepartures,
  ScheduleRoute,
} from './schemas.js';
import { CABINS, type Cabin } from './tables.js';

function toScheduleRoute(r: ScheduleRouteRow): ScheduleRoute {
  return {
    id: r.id,
    origin: r.origin.trim(),
    destination: r.destination.trim(),
    flightNumber: r.flight_number,
    departureTime: r.departure_time.slice(0, 5),
    durationMinutes: r.duration_minutes,
    aircraft: r.aircraft,
    currency: r.currency.trim(),
    cabins: r.cabins,
    scheduledFlights: r.scheduled,
    originCity: r.origin_city,
    destinationCity: r.destination_city,
    originTimeZone: r.origin_tz,
    destinationTimeZone: r.destination_tz,
  };
}

/** Days ahead the own schedule is kept filled by the daily job. */
export const SCHEDULE_DAYS = 60;

/** The own schedule's airports, routes and daily flights. */
export function createScheduleAdmin(deps: { db: Db; repo: FlightsRepository; clock: Clock }) {
  const { repo, clock } = deps;
  const schedule = createScheduleRepository(deps.db);
  return {
    async listRoutes(): Promise<ScheduleRoute[]> {
      return (await schedule.listRoutes()).map(toScheduleRoute);
    },

    /** A route's flights over `days` local days at the origin, with seats sold and left per cabin. */
    async departures(routeId: string, q: DeparturesQuery): Promise<RouteDepartures> {
      const row = (await schedule.listRoutes()).find((r) => r.id === routeId);
      if (!row) throw notFound('route_not_found', 'Route not found');
      const route = toScheduleRoute(row);
      const first = q.from ?? todayIn(route.originTimeZone, clock.now());
      const from = zonedInstant(first, '00:00', route.originTimeZone);
      const to = zonedInstant(addDays(first, q.days), '00:00', route.originTimeZone);
      const byFlight = new Map<string, Departure>();
      for (const c of await schedule.departures(routeId, from, to)) {
        let d = byFlight.get(c.flight_id);
        if (!d) {
          d = {
            id: c.flight_id,
            departureAt: c.departure_at.toISOString(),
            arrivalAt: c.arrival_at.toISOString(),
            cabins: [],
          };
          byFlight.set(c.flight_id, d);
        }
        d.cabins.push({
          cabin: c.cabin,
          seats: c.capacity,
          sold: c.capacity - c.seats_available,
          left: c.seats_available,
          fare: c.fare,
        });
      }
      const rank = (c: Cabin) => CABINS.indexOf(c);
      for (const d of byFlight.values()) d.cabins.sort((a, b) => rank(a.cabin) - rank(b.cabin));
      return { route, departures: [...byFlight.values()] };
    },

    async listAirports(): Promise<Airport[]> {
      return (await repo.listAirports()).map(toAirport);
    },

    async createAirport(input: AirportCreate): Promise<Airport> {
      return toAirport(
        await repo.insertAirport({
          iata: input.iata,
          name: input.name,
          city: input.city,
          country: input.country,
          lat: input.lat,
          lng: input.lng,
          time_zone: input.timeZone,
        }),
      );
    },

    async findAirport(iata: string): Promise<Airport | undefined> {
      const row = await repo.findAirport(iata);
      return row ? toAirport(row) : undefined;
    },

    async createRoute(input: RouteCreate): Promise<Route> {
      if (input.origin === input.destination)
        throw badRequest('same_airports', 'origin and destination differ');
      for (const code of [input.origin, input.destination]) {
        if (!(await repo.findAirport(code))) throw badRequest('unknown_airport', `No airport ${code}`);
      }
      const route = await repo.insertRoute({
        origin: input.origin,
        destination: input.destination,
        flight_number: input.flightNumber,
        departure_time: input.departureTime,
        duration_minutes: input.durationMinutes,
        aircraft: input.aircraft,
        currency: input.currency,
        cabins: input.cabins,
        ...policyColumns(input.cancellationPolicy),
      });
      const today = todayIn('UTC', clock.now());
      await repo.scheduleFlights(today, addDays(today, input.scheduleDays), route.id);
      return {
        id: route.id,
        origin: route.origin.trim(),
        destination: route.destination.trim(),
        flightNumber: route.flight_number,
        departureTime: route.departure_time.slice(0, 5),
        durationMinutes: route.duration_minutes,
        aircraft: route.aircraft,
        currency: route.currency.trim(),
        cabins: route.cabins,
        scheduledFlights: await repo.countFlights(route.id),
      };
    },

    /** Keeps daily flights scheduled `days` ahead; flights already there are left alone. */
    async extendSchedule(days = SCHEDULE_DAYS): Promise<number> {
      const today = todayIn('UTC', clock.now());
      return repo.scheduleFlights(today, addDays(today, days));
    },
  };
}
