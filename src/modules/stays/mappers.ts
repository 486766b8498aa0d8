import { daysBetween, zonedInstant } from '../../platform/dates.js';
import { toPolicy } from '../checkout/policy.js';
import type { BookingEventPayload } from '../notifications/events.js';
import type { BookingWithPlace, PropertyRow, RoomTypeRow } from './repository.js';
import type { Property, RoomType, StayBooking } from './schemas.js';

/** Rows as the API shows them. */

const hhmm = (time: string) => time.slice(0, 5);

export function toProperty(r: PropertyRow): Property {
  return {
    id: r.id,
    name: r.name,
    city: r.city,
    country: r.country.trim(),
    address: r.address,
    lat: r.lat,
    lng: r.lng,
    stars: r.stars,
    amenities: r.amenities,
    checkInTime: hhmm(r.check_in_time),
    checkOutTime: hhmm(r.check_out_time),
    timeZone: r.time_zone,
    currency: r.currency.trim(),
  };
}

export function toRoomType(r: RoomTypeRow): RoomType {
  return {
    id: r.id,
    propertyId: r.property_id,
    name: r.name,
    maxGuests: r.max_guests,
    nightlyRate: r.nightly_rate,
    cancellationPolicy: toPolicy(r),
  };
}

export function toStayBooking(r: BookingWithPlace): StayBooking {
  return {
    id: r.id,
    userId: r.user_id,
    roomTypeId: r.room_type_id,
    roomTypeName: r.room_type_name,
    property: {
      id: r.property_id,
      name: r.property_name,
      city: r.city,
      address: r.address,
      lat: r.lat,
      lng: r.lng,
      timeZone: r.time_zone,
    },
    checkIn: r.check_in,
    checkOut: r.check_out,
    checkInAt: zonedInstant(r.check_in, r.check_in_time, r.time_zone).toISOString(),
    checkOutAt: zonedInstant(r.check_out, r.check_out_time, r.time_zone).toISOString(),
    nights: daysBetween(r.check_in, r.check_out),
    guests: r.guests,
    status: r.status,
    holdExpiresAt: r.hold_expires_at ? r.hold_expires_at.toISOString() : null,
    cancellationPolicy: toPolicy(r),
    totalAmount: r.total_amount,
    currency: r.currency.trim(),
    createdAt: r.created_at.toISOString(),
    cancelledAt: r.cancelled_at ? r.cancelled_at.toISOString() : null,
  };
}

export function eventPayload(b: StayBooking): BookingEventPayload {
  return {
    kind: 'stay',
    bookingId: b.id,
    title: `${b.roomTypeName} at ${b.property.name}, ${b.property.city}`,
    start: b.checkInAt,
    end: b.checkOutAt,
    timeZone: b.property.timeZone,
    totalAmount: b.totalAmount,
    currency: b.currency,
  };
}
