import type { Clock } from '../../platform/clock.js';
import { addDays, todayIn } from '../../platform/dates.js';
import { badRequest } from '../../platform/http/errors.js';
import { toAirport } from './mappers.js';
import type { FlightsRepository } from './repository.js';
import type { Airport, AirportCreate, Route, RouteCreate } from './schemas.js';

/** Days ahead the own schedule is kept filled by the daily job. */
export const SCHEDULE_DAYS = 60;

/** The own schedule's airports, routes and daily flights. */
export function createScheduleAdmin(deps: { repo: FlightsRepository; clock: Clock }) {
  const { repo, clock } = deps;
  return {
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
