import type { AuditLog } from '../../../platform/audit.js';
import type { Clock } from '../../../platform/clock.js';
import { badRequest, conflict, notFound } from '../../../platform/http/errors.js';
import { policyColumns, toPolicy } from '../../checkout/policy.js';
import type { Db } from '../../database.js';
import { type CarRow, createFleetRepository, type LocationRow } from './repository.js';
import { createRetirement, type FleetRentals, toAffected } from './retirement.js';
import type { Car, CarCreate, CarListQuery, CarUpdate, Location, LocationCreate } from './schemas.js';

export type { CarRental, FleetRentals } from './retirement.js';

export function toLocation(r: LocationRow): Location {
  return {
    id: r.id,
    name: r.name,
    city: r.city,
    country: r.country,
    lat: r.lat,
    lng: r.lng,
    timeZone: r.time_zone,
  };
}

export function toCar(r: Omit<CarRow, 'created_at' | 'updated_at'>): Car {
  return {
    id: r.id,
    locationId: r.location_id,
    make: r.make,
    model: r.model,
    class: r.class,
    seats: r.seats,
    transmission: r.transmission,
    dailyRate: r.daily_rate,
    currency: r.currency.trim(),
    lat: r.lat,
    lng: r.lng,
    status: r.status,
    cancellationPolicy: toPolicy(r),
  };
}

export interface FleetDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  /** The car's rentals, asked of the rentals module (bound late: rentals is built on the fleet). */
  rentals: FleetRentals;
}

export function createFleetService(deps: FleetDeps) {
  const repo = createFleetRepository(deps.db);
  const { audit } = deps;
  const retirement = createRetirement({ ...deps, repo, toCar, toLocation });

  async function requireLocation(id: string) {
    const location = await repo.findLocation(id);
    if (!location) throw badRequest('unknown_location', `Location ${id} does not exist`);
    return location;
  }

  return {
    async createLocation(input: LocationCreate, actorId: string | null = null): Promise<Location> {
      const { timeZone, ...rest } = input;
      return deps.db.transaction().execute(async (tx) => {
        const location = toLocation(await repo.insertLocation({ ...rest, time_zone: timeZone }, tx));
        await audit.record(tx, {
          action: 'location.create',
          actorId,
          subject: `location:${location.id}`,
          details: { name: location.name, city: location.city },
        });
        return location;
      });
    },

    async listLocations(): Promise<Location[]> {
      return (await repo.listLocations()).map(toLocation);
    },

    async getLocation(id: string): Promise<Location> {
      const location = await repo.findLocation(id);
      if (!location) throw notFound('location_not_found', 'Location not found');
      return toLocation(location);
    },

    async listCars(q: CarListQuery): Promise<Car[]> {
      return (await repo.listCars(q)).map(toCar);
    },

    async createCar(input: CarCreate, actorId: string | null = null): Promise<Car> {
      const location = await requireLocation(input.locationId);
      return deps.db.transaction().execute(async (tx) => {
        const car = toCar(
          await repo.insertCar(
            {
              location_id: location.id,
              make: input.make,
              model: input.model,
              class: input.class,
              seats: input.seats,
              transmission: input.transmission,
              daily_rate: input.dailyRate,
              currency: input.currency,
              lat: input.lat ?? location.lat,
              lng: input.lng ?? location.lng,
              status: input.status,
              ...policyColumns(input.cancellationPolicy),
            },
            tx,
          ),
        );
        await audit.record(tx, {
          action: 'car.create',
          actorId,
          subject: `car:${car.id}`,
          details: { make: car.make, model: car.model, dailyRate: car.dailyRate, currency: car.currency },
        });
        return car;
      });
    },

    /** The car as it is, whatever its status; undefined when there is none. */
    async findCar(id: string): Promise<Car | undefined> {
      const row = await repo.findCar(id);
      return row ? toCar(row) : undefined;
    },

    /** The car and where it is based, in one read; undefined when there is no such car. */
    async findCarWithLocation(id: string): Promise<{ car: Car; location: Location } | undefined> {
      const found = await repo.findCarWithLocation(id);
      return found && { car: toCar(found.car), location: toLocation(found.location) };
    },

    /**
     * For a booking's transaction: the car as it is now, its row held until that transaction ends,
     * so that a retirement cannot slip between the booking's status check and its insert.
     */
    async lockForBooking(id: string, tx: Db): Promise<{ car: Car; location: Location } | undefined> {
      const row = await repo.lockCar(id, tx);
      if (!row) return undefined;
      const location = await repo.findLocation(row.location_id, tx);
      return location && { car: toCar(row), location: toLocation(location) };
    },

    async getCar(id: string): Promise<Car> {
      const car = await this.findCar(id);
      if (!car) throw notFound('car_not_found', 'Car not found');
      return car;
    },

    async updateCar(id: string, patch: CarUpdate, actorId: string | null = null): Promise<Car> {
      if (patch.locationId) await requireLocation(patch.locationId);
      return deps.db.transaction().execute(async (tx) => {
        const before = await repo.lockCar(id, tx);
        if (!before) throw notFound('car_not_found', 'Car not found');
        if (before.status === 'retired' && patch.status && patch.status !== 'retired')
          throw conflict('car_retired', 'A retired car stays retired');
        // Retiring checks the car's bookings: it goes through DELETE /cars/:id or /retire.
        if (patch.status === 'retired' && before.status !== 'retired')
          throw badRequest(
            'retire_car_instead',
            'Retire a car with DELETE /cars/:id or POST /cars/:id/retire',
          );
        const row = await repo.updateCar(
          id,
          {
            ...(patch.locationId !== undefined && { location_id: patch.locationId }),
            ...(patch.make !== undefined && { make: patch.make }),
            ...(patch.model !== undefined && { model: patch.model }),
            ...(patch.class !== undefined && { class: patch.class }),
            ...(patch.seats !== undefined && { seats: patch.seats }),
            ...(patch.transmission !== undefined && { transmission: patch.transmission }),
            ...(patch.dailyRate !== undefined && { daily_rate: patch.dailyRate }),
            ...(patch.currency !== undefined && { currency: patch.currency }),
            ...(patch.lat !== undefined && { lat: patch.lat }),
            ...(patch.lng !== undefined && { lng: patch.lng }),
            ...(patch.status !== undefined && { status: patch.status }),
            ...policyColumns(patch.cancellationPolicy),
          },
          tx,
        );
        if (!row) throw notFound('car_not_found', 'Car not found');
        await audit.record(tx, {
          action: 'car.update',
          actorId,
          subject: `car:${id}`,
          details: { changes: patch, before: { dailyRate: before.daily_rate, status: before.status } },
        });
        return toCar(row);
      });
    },

    /**
     * Retiring keeps the car and its history; it no longer appears in search or takes bookings.
     * A car a confirmed rental still needs (under way or to come) is not retired here: 409
     * car_has_future_bookings lists those rentals; `retireCancelling` cancels them in the same
     * transaction once the operator has seen them.
     */
    async retireCar(id: string, actorId: string | null = null): Promise<Car> {
      const car = await this.getCar(id);
      if (car.status === 'retired') return car;
      const row = await deps.db.transaction().execute(async (tx) => {
        const retired = await repo.retireIfFree(id, deps.clock.now(), tx);
        if (retired)
          await audit.record(tx, { action: 'car.retire', actorId, subject: `car:${id}`, details: {} });
        return retired;
      });
      if (row) return toCar(row);
      const now = deps.clock.now();
      const rentals = await deps.rentals.upcoming(id);
      throw conflict(
        'car_has_future_bookings',
        `${car.make} ${car.model} has ${rentals.length} booking(s) to honour: cancel them before retiring it`,
        { bookings: rentals.map((r) => toAffected(r, now)) },
      );
    },

    /** The bookings retiring the car would cancel (and any under way, which block it). */
    affectedBookings: retirement.affectedBookings,

    /** Retires the car and cancels `cancelBookings`, all or nothing; see retirement.ts. */
    retireCancelling: retirement.retire,
  };
}

export type FleetService = ReturnType<typeof createFleetService>;
