import { z } from 'zod';
import type { Config } from '../../config.js';
import type { Db } from '../../database.js';
import type { Cache } from '../../platform/cache.js';
import type { Clock } from '../../platform/clock.js';
import { addDays, daysBetween, todayIn } from '../../platform/dates.js';
import { isConstraintViolation } from '../../platform/db/errors.js';
import type { Principal } from '../../platform/http/auth.js';
import { AppError, badRequest, conflict, notFound } from '../../platform/http/errors.js';
import { decodeCursor, encodeCursor } from '../../platform/http/schemas.js';
import type { Health } from '../../platform/observability/health.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { Metrics } from '../../platform/observability/metrics.js';
import type { BookingEventPayload } from '../notifications/events.js';
import type { NotificationsService } from '../notifications/service.js';
import { type AirportRow, createFlightsRepository, type FlightBookingRow } from './repository.js';
import type {
  Airport,
  AirportCreate,
  FlightBooking,
  FlightBookingCreate,
  FlightBookingList,
  FlightBookingListQuery,
  FlightSearchQuery,
  FlightSearchResponse,
  Offer,
  Passenger,
  Route,
  RouteCreate,
  Segment,
} from './schemas.js';
import { duffelSupplier } from './suppliers/duffel.js';
import { ownScheduleSupplier } from './suppliers/own-schedule.js';
import { createSupplierSet } from './suppliers/registry.js';
import { type FlightSupplier, SupplierError, type SupplierOffer } from './suppliers/types.js';

export const SCHEDULE_JOB = 'flights.extend-schedule';
/** Days ahead the own schedule is kept filled by the daily job. */
export const SCHEDULE_DAYS = 60;

declare module '../../platform/jobs.js' {
  interface JobCatalogue {
    'flights.extend-schedule': Record<string, never>;
  }
}

const ListCursor = z.object({ t: z.iso.datetime(), id: z.uuid() });
const offerKey = (id: string) => `offer:${id}`;

function toAirport(r: AirportRow): Airport {
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

function eventPayload(b: FlightBooking): BookingEventPayload {
  const first = b.segments[0];
  return {
    kind: 'flight',
    bookingId: b.id,
    title: `${b.origin} → ${b.destination}, ${b.segments.map((s) => s.flightNumber).join(' + ')}`,
    start: b.departureAt,
    end: b.arrivalAt,
    timeZone: first?.departureTimeZone ?? 'UTC',
    totalAmount: b.totalAmount,
    currency: b.currency,
    reference: b.bookingReference,
  };
}

const publicOffer = ({ supplierData: _, ...offer }: SupplierOffer): Offer => offer;

/** A supplier's failure as the client sees it. */
function toHttpError(err: SupplierError): AppError {
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

export interface FlightsDeps {
  db: Db;
  cache: Cache;
  clock: Clock;
  metrics: Metrics;
  log: Logger;
  health: Health;
  notifications: NotificationsService;
  config: Config['flights'];
  duffelAccessToken: string | undefined;
}

export function createFlightsService(deps: FlightsDeps) {
  const { db, cache, clock, notifications, config } = deps;
  const repo = createFlightsRepository(db);
  const outcomes = deps.metrics.counter(
    'voyage_flight_bookings_total',
    'Flight booking attempts by outcome',
    ['supplier', 'outcome'],
  );
  const suppliers: FlightSupplier[] = config.suppliers.map((name) =>
    name === 'own-schedule'
      ? ownScheduleSupplier({ repo, clock, offerTtlMs: config.offerTtlMs })
      : duffelSupplier({ token: deps.duffelAccessToken ?? '', apiUrl: config.duffelApiUrl }),
  );
  const set = createSupplierSet(suppliers, {
    timeoutMs: config.supplierTimeoutMs,
    resetMs: config.breakerResetMs,
    metrics: deps.metrics,
    log: deps.log,
  });
  for (const s of suppliers) {
    deps.health.register(
      `supplier:${s.name}`,
      async () => (set.circuit(s.name) === 'open' ? { ok: false, detail: 'circuit open' } : s.health()),
      { critical: config.requiredForReadiness.includes(s.name) },
    );
  }

  function visibleTo(row: FlightBookingRow | undefined, who: Principal): row is FlightBookingRow {
    // Someone else's booking reads as missing: ids must not leak.
    return !!row && (row.user_id === who.userId || who.role === 'admin');
  }

  async function cachedOffer(id: string): Promise<SupplierOffer | undefined> {
    const offer = await cache.get<SupplierOffer>(offerKey(id));
    return offer && new Date(offer.expiresAt) > clock.now() ? offer : undefined;
  }

  async function record(
    userId: string,
    offer: SupplierOffer,
    order: { orderId: string; bookingReference: string; totalAmount: number; currency: string },
    passengers: Passenger[],
    tx: Db,
  ) {
    const first = offer.segments[0]!;
    const last = offer.segments[offer.segments.length - 1]!;
    const row = await repo.insertBooking(
      {
        user_id: userId,
        supplier: offer.supplier,
        offer_id: offer.id,
        supplier_order_id: order.orderId,
        booking_reference: order.bookingReference,
        cabin: offer.cabin,
        origin: first.origin,
        destination: last.destination,
        departure_at: new Date(first.departureAt),
        arrival_at: new Date(last.arrivalAt),
        segments: offer.segments,
        passengers,
        seats: offer.passengers,
        own_flight_id: offer.supplier === 'own-schedule' ? (offer.supplierData.flightId as string) : null,
        total_amount: order.totalAmount,
        currency: order.currency,
      },
      tx,
    );
    const booking = toFlightBooking(row);
    await notifications.emit(tx, {
      type: 'booking.confirmed',
      aggregateId: booking.id,
      recipient: { userId },
      payload: eventPayload(booking),
    });
    return booking;
  }

  async function book(userId: string, input: FlightBookingCreate): Promise<FlightBooking> {
    const offer = await cachedOffer(input.offerId);
    if (!offer) throw conflict('offer_expired', 'This offer has expired or was never made; search again');
    if (input.passengers.length !== offer.passengers) {
      throw badRequest(
        'passenger_count_mismatch',
        `This offer is for ${offer.passengers} passenger(s); ${input.passengers.length} given`,
      );
    }
    const supplier = set.get(offer.supplier);
    if (!supplier) throw conflict('offer_expired', 'The supplier of this offer is no longer enabled');
    try {
      if (supplier.local) {
        return await db.transaction().execute(async (tx) => {
          const order = await supplier.createOrder(offer, input.passengers, tx);
          return record(userId, offer, order, input.passengers, tx);
        });
      }
      const fresh = await supplier.getOffer(offer);
      if (fresh.totalAmount !== offer.totalAmount || fresh.currency !== offer.currency) {
        throw conflict('price_changed', 'The price of this offer changed; search again', {
          was: { amount: offer.totalAmount, currency: offer.currency },
          now: { amount: fresh.totalAmount, currency: fresh.currency },
        });
      }
      const order = await supplier.createOrder(offer, input.passengers);
      try {
        return await db.transaction().execute((tx) => record(userId, offer, order, input.passengers, tx));
      } catch (err) {
        // The supplier sold seats Voyage could not record: give them back.
        await supplier
          .cancelOrder({
            orderId: order.orderId,
            ownFlightId: null,
            cabin: offer.cabin,
            seats: offer.passengers,
          })
          .catch((cancelErr) =>
            deps.log.error({ err: cancelErr, orderId: order.orderId }, 'compensating cancel failed'),
          );
        throw err;
      }
    } catch (err) {
      if (err instanceof SupplierError) throw toHttpError(err);
      if (isConstraintViolation(err, 'flight_bookings_offer_key'))
        throw conflict('offer_already_booked', 'This offer has already been booked');
      throw err;
    }
  }

  return {
    suppliers: set,

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

    /** Offers from every enabled supplier; a slow or failing one adds a warning, not an error. */
    async search(q: FlightSearchQuery): Promise<FlightSearchResponse> {
      if (q.from === q.to) throw badRequest('same_airports', 'from and to must differ');
      // The earliest time zones are a day ahead of UTC: yesterday's UTC date is still today somewhere.
      const today = todayIn('UTC', clock.now());
      if (q.date < addDays(today, -1)) throw badRequest('date_in_past', 'date is in the past');
      if (daysBetween(today, q.date) > 365)
        throw badRequest('date_too_far', 'date is more than a year ahead');
      const { offers, warnings } = await set.search(q);
      const now = clock.now().getTime();
      await Promise.all(
        offers.map((o) => cache.set(offerKey(o.id), o, new Date(o.expiresAt).getTime() - now)),
      );
      return { offers: offers.map(publicOffer), warnings };
    },

    async getOffer(id: string): Promise<Offer> {
      const offer = await cachedOffer(id);
      if (!offer) throw notFound('offer_not_found', 'No such offer, or it has expired');
      return publicOffer(offer);
    },

    async book(userId: string, input: FlightBookingCreate): Promise<FlightBooking> {
      try {
        const booking = await book(userId, input);
        outcomes.inc({ supplier: booking.supplier, outcome: 'created' });
        await cache.del(offerKey(input.offerId));
        return booking;
      } catch (err) {
        outcomes.inc({ supplier: 'any', outcome: err instanceof AppError ? err.code : 'error' });
        throw err;
      }
    },

    async get(id: string, who: Principal): Promise<FlightBooking> {
      const row = await repo.findBooking(id);
      if (!visibleTo(row, who)) throw notFound('flight_booking_not_found', 'Flight booking not found');
      return toFlightBooking(row);
    },

    /** For other modules (trips, exports) that decide access themselves. */
    async find(id: string): Promise<FlightBooking | undefined> {
      const row = await repo.findBooking(id);
      return row ? toFlightBooking(row) : undefined;
    },

    async listOwn(userId: string, q: FlightBookingListQuery): Promise<FlightBookingList> {
      const cursor = q.cursor ? decodeCursor(q.cursor, ListCursor) : undefined;
      if (q.cursor && !cursor) throw badRequest('invalid_cursor', 'cursor is not valid');
      const rows = await repo.listForUser(userId, {
        limit: q.limit + 1,
        ...(cursor && { before: { createdAt: new Date(cursor.t), id: cursor.id } }),
      });
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        bookings: page.map(toFlightBooking),
        nextCursor:
          rows.length > q.limit && last
            ? encodeCursor({ t: last.created_at.toISOString(), id: last.id })
            : null,
      };
    },

    /** Cancels with the supplier, then here; seats of Voyage's own flights go back on sale. */
    async cancel(id: string, who: Principal): Promise<FlightBooking> {
      const row = await repo.findBooking(id);
      if (!visibleTo(row, who)) throw notFound('flight_booking_not_found', 'Flight booking not found');
      if (row.status === 'cancelled') return toFlightBooking(row);
      if (row.departure_at <= clock.now())
        throw conflict('flight_departed', 'A flight cannot be cancelled once it has departed');
      const supplier = set.get(row.supplier);
      if (!supplier)
        throw conflict('supplier_disabled', `Bookings with ${row.supplier} cannot be changed here now`);
      const order = {
        orderId: row.supplier_order_id,
        ownFlightId: row.own_flight_id,
        cabin: row.cabin,
        seats: row.seats,
      };
      try {
        if (!supplier.local) await supplier.cancelOrder(order);
        const cancelled = await db.transaction().execute(async (tx) => {
          const updated = await repo.cancel(id, clock.now(), tx);
          if (!updated) return undefined;
          if (supplier.local) await supplier.cancelOrder(order, tx);
          const booking = toFlightBooking(updated);
          await notifications.emit(tx, {
            type: 'booking.cancelled',
            aggregateId: id,
            recipient: { userId: booking.userId },
            payload: eventPayload(booking),
          });
          return booking;
        });
        if (cancelled) {
          outcomes.inc({ supplier: row.supplier, outcome: 'cancelled' });
          return cancelled;
        }
      } catch (err) {
        if (err instanceof SupplierError) throw toHttpError(err);
        throw err;
      }
      const current = await repo.findBooking(id);
      if (current?.status === 'cancelled') return toFlightBooking(current);
      throw conflict('flight_departed', 'A flight cannot be cancelled once it has departed');
    },

    supplierStatus() {
      return set.names.map((name) => ({
        name,
        requiredForReadiness: config.requiredForReadiness.includes(name),
        circuit: set.circuit(name),
      }));
    },
  };
}

export type FlightsService = ReturnType<typeof createFlightsService>;
