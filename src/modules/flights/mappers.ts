import { AppError, conflict } from '../../platform/http/errors.js';
import { toPolicy } from '../checkout/policy.js';
import type { BookingEventPayload } from '../notifications/events.js';
import type { AirportRow, FlightBookingRow } from './repository.js';
import type { Airport, FlightBooking, Offer, Passenger, Segment } from './schemas.js';
import type { SupplierError, SupplierOffer } from './suppliers/types.js';

/** Rows and supplier answers as the API shows them. */

export function toAirport(r: AirportRow): Airport {
  return {
    iata: r.iata.trim(),
    name: r.name,
    city: r.city,
    country: r.country.trim(),
    lat: r.lat,
    lng: r.lng,
    timeZone: r.time_zone,
  };
}

export function toFlightBooking(r: FlightBookingRow): FlightBooking {
  return {
    id: r.id,
    userId: r.user_id,
    supplier: r.supplier,
    bookingReference: r.booking_reference,
    status: r.status,
    holdExpiresAt: r.hold_expires_at ? r.hold_expires_at.toISOString() : null,
    cancellationPolicy: toPolicy(r),
    cabin: r.cabin,
    origin: r.origin.trim(),
    destination: r.destination.trim(),
    departureAt: r.departure_at.toISOString(),
    arrivalAt: r.arrival_at.toISOString(),
    segments: r.segments as Segment[],
    passengers: (r.passengers as Passenger[]).map((p) => ({
      givenName: p.givenName,
      familyName: p.familyName,
    })),
    totalAmount: r.total_amount,
    currency: r.currency.trim(),
    createdAt: r.created_at.toISOString(),
    cancelledAt: r.cancelled_at ? r.cancelled_at.toISOString() : null,
  };
}

export function eventPayload(b: FlightBooking): BookingEventPayload {
  const first = b.segments[0];
  return {
    kind: 'flight',
    bookingId: b.id,
    title: `${b.origin} → ${b.destination}, ${b.segments.map((s) => s.flightNumber).join(' + ')}`,
    start: b.departureAt,
    end: b.arrivalAt,
    timeZone: first?.departureTimeZone ?? 'UTC',
    endTimeZone: b.segments[b.segments.length - 1]?.arrivalTimeZone ?? first?.departureTimeZone ?? 'UTC',
    totalAmount: b.totalAmount,
    currency: b.currency,
    reference: b.bookingReference,
  };
}

export const publicOffer = ({ supplierData: _, ...offer }: SupplierOffer): Offer => offer;

/** A supplier's failure as the client sees it. */
export function toHttpError(err: SupplierError): AppError {
  switch (err.code) {
    case 'offer_expired':
      return conflict('offer_expired', 'This offer has expired; search again');
    case 'price_changed':
      return conflict('price_changed', 'The price of this offer changed; search again');
    case 'sold_out':
      return conflict('sold_out', err.message);
    case 'rate_limited': {
      const seconds = err.retryAfterSeconds ?? 60;
      return new AppError(503, 'supplier_busy', `${err.supplier} is busy; retry in ${seconds} s`, undefined, {
        'retry-after': String(seconds),
      });
    }
    case 'rejected':
      return new AppError(422, 'supplier_rejected', err.message);
    default:
      return new AppError(502, 'supplier_unavailable', `${err.supplier} is unavailable; try again later`);
  }
}
