/**
 * The domain events other modules emit. Payloads carry what the message needs as it was at the
 * time of the change, so that an email describes the booking that was made, not a later state.
 */
export const EVENT_TYPES = [
  'booking.confirmed',
  'booking.cancelled',
  'trip.shared',
  'plan.ready',
  'account.password_reset',
  'account.verify_email',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface BookingEventPayload {
  kind: 'car' | 'stay' | 'flight';
  bookingId: string;
  /** e.g. "Toyota Corolla in San Francisco", "Hotel Lumière, Paris", "SFO → JFK, VY 120". */
  title: string;
  start: string;
  end: string;
  /** The time zone the start is shown in (where the booking starts). */
  timeZone: string;
  /** Where the end is shown, when it happens elsewhere (a flight's arrival airport). */
  endTimeZone?: string;
  totalAmount: number;
  currency: string;
  reference?: string | null;
}

export interface TripSharedPayload {
  tripId: string;
  tripName: string;
  destination: string;
  startDate: string;
  endDate: string;
  role: 'viewer' | 'editor';
  invitedBy: string;
}

export interface PlanReadyPayload {
  tripId: string;
  tripName: string;
  days: number;
  stops: number;
  source: 'builtin' | 'llm';
}

/** A single-use token mailed to the account's address (reset a password, verify the address). */
export interface AccountTokenPayload {
  token: string;
  expiresAt: string;
}

export interface EventPayloads {
  'account.password_reset': AccountTokenPayload;
  'account.verify_email': AccountTokenPayload;
  'booking.confirmed': BookingEventPayload;
  'booking.cancelled': BookingEventPayload;
  'trip.shared': TripSharedPayload;
  'plan.ready': PlanReadyPayload;
}

export type Recipient = { userId: string; email?: undefined } | { email: string; userId?: string | null };

export type DomainEvent = {
  [T in EventType]: { type: T; aggregateId: string; recipient: Recipient; payload: EventPayloads[T] };
}[EventType];
