import type { AuditLog } from '../../../platform/audit.js';
import type { Clock } from '../../../platform/clock.js';
import { shortReference } from '../../../platform/format.js';
import { conflict, notFound } from '../../../platform/http/errors.js';
import type { Db } from '../../database.js';
import type { FleetRepository } from './repository.js';
import type { AffectedBooking, Car, CarRetirement, Location } from './schemas.js';

/** A rental that still needs a car, as the rentals module reports it. */
export interface CarRental {
  id: string;
  userId: string;
  pickupTime: string;
  dropoffTime: string;
  totalAmount: number;
  currency: string;
}

/** What the fleet asks of rentals (bound late: rentals is built on the fleet). */
export interface FleetRentals {
  /** The car's confirmed rentals not yet over, soonest first; in `db` when given (a transaction). */
  upcoming: (carId: string, db?: Db) => Promise<CarRental[]>;
  /** Cancels one rental in the caller's transaction: audited, and the traveller is notified. */
  cancelForFleet: (
    tx: Db,
    rental: CarRental,
    why: { car: Car; location: Location; actorId: string | null },
  ) => Promise<void>;
}

export function toAffected(r: CarRental, now: Date): AffectedBooking {
  return {
    id: r.id,
    reference: `CAR-${shortReference(r.id)}`,
    userId: r.userId,
    pickupTime: r.pickupTime,
    dropoffTime: r.dropoffTime,
    underWay: new Date(r.pickupTime) <= now,
    totalAmount: r.totalAmount,
    currency: r.currency,
  };
}

const sameIds = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join() === [...b].sort().join();

/**
 * Retiring a car that still has bookings, in one transaction: the car's row is locked first (a
 * booking of it waits, and then sees it retired), its bookings to come are cancelled with their
 * notifications and audit entries, and the car is retired. The operator names the bookings they saw;
 * if that set changed meanwhile (a new booking, a cancellation) nothing is written and the fresh list
 * comes back. A rental under way blocks retirement: that car is with a traveller until drop-off.
 */
export function createRetirement(deps: {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  repo: FleetRepository;
  rentals: FleetRentals;
  toCar: (row: NonNullable<Awaited<ReturnType<FleetRepository['findCar']>>>) => Car;
  toLocation: (row: NonNullable<Awaited<ReturnType<FleetRepository['findLocation']>>>) => Location;
}) {
  const { repo, clock } = deps;
  return {
    async affectedBookings(carId: string): Promise<AffectedBooking[]> {
      if (!(await repo.findCar(carId))) throw notFound('car_not_found', 'Car not found');
      const now = clock.now();
      return (await deps.rentals.upcoming(carId)).map((r) => toAffected(r, now));
    },

    async retire(carId: string, cancelBookings: string[], actorId: string | null): Promise<CarRetirement> {
      return deps.db.transaction().execute(async (tx) => {
        const row = await repo.lockCar(carId, tx);
        if (!row) throw notFound('car_not_found', 'Car not found');
        const car = deps.toCar(row);
        if (car.status === 'retired') return { car, cancelled: [] };
        const now = clock.now();
        const rentals = await deps.rentals.upcoming(carId, tx);
        const affected = rentals.map((r) => toAffected(r, now));
        const underWay = affected.filter((b) => b.underWay);
        if (underWay.length > 0)
          throw conflict(
            'car_in_use',
            `${car.make} ${car.model} is out on a rental until its drop-off: retire it once it is back`,
            { bookings: underWay },
          );
        if (
          !sameIds(
            affected.map((b) => b.id),
            cancelBookings,
          )
        )
          throw conflict(
            'car_bookings_changed',
            `${car.make} ${car.model}'s bookings changed: review the ${affected.length} booking(s) to cancel and confirm again`,
            { bookings: affected },
          );
        const location = await repo.findLocation(car.locationId, tx);
        if (!location) throw notFound('location_not_found', 'Location not found');
        for (const rental of rentals)
          await deps.rentals.cancelForFleet(tx, rental, {
            car,
            location: deps.toLocation(location),
            actorId,
          });
        const retired = await repo.retireIfFree(carId, now, tx);
        // The car's row is locked and its bookings were just cancelled: nothing else can hold it.
        if (!retired) throw new Error(`car ${carId} still busy after its bookings were cancelled`);
        await deps.audit.record(tx, {
          action: 'car.retire',
          actorId,
          subject: `car:${carId}`,
          details: { cancelledBookings: affected.map((b) => b.id) },
        });
        return { car: deps.toCar(retired), cancelled: affected };
      });
    },
  };
}
