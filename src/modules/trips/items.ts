import { shortReference } from '../../platform/format.js';
import type { FleetService } from '../cars/fleet/service.js';
import type { RentalsService } from '../cars/rentals/service.js';
import type { FlightsService } from '../flights/service.js';
import type { PoisService } from '../pois/service.js';
import type { StaysService } from '../stays/service.js';
import type { TripItemRow, TripRow } from './repository.js';
import type { TripItem } from './schemas.js';

export interface ItemSources {
  rentals: RentalsService;
  fleet: FleetService;
  stays: StaysService;
  flights: FlightsService;
  pois: PoisService;
}

type Resolved = Omit<TripItem, 'id' | 'kind' | 'createdBy' | 'createdAt'>;

const none = { location: null, status: null, reference: null, body: null, endTimeZone: null } as const;

/**
 * What an item shows, read from the module that owns what it points at: a booking's current
 * status and times, a place's name and coordinates.
 */
export async function resolveItem(row: TripItemRow, trip: TripRow, s: ItemSources): Promise<TripItem> {
  const base = {
    id: row.id,
    kind: row.kind,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
  };
  return { ...base, ...(await resolve(row, trip, s)) };
}

/** A booking's status on the trip: a lapsed hold and a refunded booking read as cancelled. */
const itemStatus = (s: string): 'pending' | 'confirmed' | 'cancelled' =>
  s === 'pending' || s === 'confirmed' ? s : 'cancelled';

async function resolve(row: TripItemRow, trip: TripRow, s: ItemSources): Promise<Resolved> {
  switch (row.kind) {
    case 'car_booking': {
      const b = (await s.rentals.find(row.car_booking_id!))!;
      const car = await s.fleet.getCar(b.carId);
      const location = await s.fleet.getLocation(car.locationId);
      return {
        ...none,
        title: `${car.make} ${car.model} from ${location.name}`,
        startsAt: b.pickupTime,
        endsAt: b.dropoffTime,
        timeZone: location.timeZone,
        location: { name: location.name, lat: location.lat, lng: location.lng },
        status: itemStatus(b.status),
        reference: `CAR-${shortReference(b.id)}`,
        refId: b.id,
      };
    }
    case 'stay_booking': {
      const b = (await s.stays.find(row.stay_booking_id!))!;
      return {
        ...none,
        title: `${b.roomTypeName} at ${b.property.name}`,
        startsAt: b.checkInAt,
        endsAt: b.checkOutAt,
        timeZone: b.property.timeZone,
        location: {
          name: `${b.property.name}, ${b.property.address}`.replace(/, $/, ''),
          lat: b.property.lat,
          lng: b.property.lng,
        },
        status: itemStatus(b.status),
        reference: `STAY-${shortReference(b.id)}`,
        refId: b.id,
      };
    }
    case 'flight_booking': {
      const b = (await s.flights.find(row.flight_booking_id!))!;
      const first = b.segments[0];
      return {
        ...none,
        title: `Flight ${b.origin} → ${b.destination} (${b.segments.map((x) => x.flightNumber).join(', ')})`,
        startsAt: b.departureAt,
        endsAt: b.arrivalAt,
        timeZone: first?.departureTimeZone ?? trip.time_zone,
        endTimeZone: b.segments[b.segments.length - 1]?.arrivalTimeZone ?? null,
        location: first ? { name: first.originName, lat: null, lng: null } : null,
        status: itemStatus(b.status),
        reference: b.bookingReference,
        refId: b.id,
      };
    }
    case 'activity': {
      const poi = await s.pois.get(row.poi_id!);
      const start = row.starts_at!;
      const end = row.ends_at ?? new Date(start.getTime() + poi.visitMinutes * 60_000);
      return {
        ...none,
        title: row.title ?? poi.name,
        startsAt: start.toISOString(),
        endsAt: end.toISOString(),
        timeZone: poi.timeZone,
        location: { name: poi.name, lat: poi.lat, lng: poi.lng },
        refId: poi.id,
      };
    }
    case 'note':
      return {
        ...none,
        title: row.title ?? 'Note',
        startsAt: row.starts_at?.toISOString() ?? null,
        endsAt: row.ends_at?.toISOString() ?? null,
        timeZone: trip.time_zone,
        body: row.body,
        refId: null,
      };
  }
}
