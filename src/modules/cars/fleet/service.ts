import type { Clock } from '../../../platform/clock.js';
import { shortReference } from '../../../platform/format.js';
import { badRequest, conflict, notFound } from '../../../platform/http/errors.js';
import type { Db } from '../../database.js';
import { type CarRow, createFleetRepository, type LocationRow } from './repository.js';
import type { Car, CarCreate, CarUpdate, Location, LocationCreate } from './schemas.js';

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
  };
}

/** A rental that still needs a car, as the rentals module reports it. */
export interface CarRental {
  id: string;
  userId: string;
  pickupTime: string;
  dropoffTime: string;
}

export interface FleetDeps {
  db: Db;
  clock: Clock;
  /** The car's confirmed rentals not yet over (bound late: rentals is built on the fleet). */
  upcomingRentals: (carId: string) => Promise<CarRental[]>;
}

export function createFleetService(deps: FleetDeps) {
  const repo = createFleetRepository(deps.db);

  async function requireLocation(id: string) {
    const location = await repo.findLocation(id);
    if (!location) throw badRequest('unknown_location', `Location ${id} does not exist`);
    return location;
  }

  return {
    async createLocation(input: LocationCreate): Promise<Location> {
      const { timeZone, ...rest } = input;
      return toLocation(await repo.insertLocation({ ...rest, time_zone: timeZone }));
    },

    async listLocations(): Promise<Location[]> {
      return (await repo.listLocations()).map(toLocation);
    },

    async getLocation(id: string): Promise<Location> {
      const location = await repo.findLocation(id);
      if (!location) throw notFound('location_not_found', 'Location not found');
      return toLocation(location);
    },

    async createCar(input: CarCreate): Promise<Car> {
      const location = await requireLocation(input.locationId);
      const row = await repo.insertCar({
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
      });
      return toCar(row);
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

    async getCar(id: string): Promise<Car> {
      const car = await this.findCar(id);
      if (!car) throw notFound('car_not_found', 'Car not found');
      return car;
    },

    async updateCar(id: string, patch: CarUpdate): Promise<Car> {
      if (patch.locationId) await requireLocation(patch.locationId);
      const row = await repo.updateCar(id, {
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
      });
      if (!row) throw notFound('car_not_found', 'Car not found');
      return toCar(row);
    },

    /**
     * Retiring keeps the car and its history; it no longer appears in search or takes bookings.
     * A car a confirmed rental still needs (under way or to come) is not retired: 409
     * car_has_future_bookings lists those rentals, which an admin cancels first (each traveller is
     * then emailed the cancellation) or lets run.
     */
    async retireCar(id: string): Promise<Car> {
      const car = await this.getCar(id);
      if (car.status === 'retired') return car;
      const row = await repo.retireIfFree(id, deps.clock.now());
      if (row) return toCar(row);
      const rentals = await deps.upcomingRentals(id);
      throw conflict(
        'car_has_future_bookings',
        `${car.make} ${car.model} has ${rentals.length} booking(s) to honour: cancel them before retiring it`,
        {
          bookings: rentals.map((r) => ({
            id: r.id,
            reference: `CAR-${shortReference(r.id)}`,
            userId: r.userId,
            pickupTime: r.pickupTime,
            dropoffTime: r.dropoffTime,
          })),
        },
      );
    },
  };
}

export type FleetService = ReturnType<typeof createFleetService>;
