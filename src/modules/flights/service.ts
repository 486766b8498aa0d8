// Over 300 lines: booking and cancelling run through the supplier set, the transaction that records
// them and the idempotency claim together; split apart, each half would need the others' state.
import type { Config } from '../../config/index.js';
import type { AuditLog } from '../../platform/audit.js';
import type { Cache } from '../../platform/cache.js';
import type { Clock } from '../../platform/clock.js';
import { addDays, daysBetween, todayIn } from '../../platform/dates.js';
import { isConstraintViolation } from '../../platform/db/errors.js';
import type { Principal } from '../../platform/http/auth.js';
import { AppError, badRequest, conflict, constraintError, notFound } from '../../platform/http/errors.js';
import type { Idempotency, Outcome, Remember } from '../../platform/http/idempotency.js';
import { newestFirstPage } from '../../platform/http/schemas.js';
import type { Health } from '../../platform/observability/health.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { Metrics } from '../../platform/observability/metrics.js';
import { cancelThroughCheckout, holdsExpiredCounter } from '../checkout/holds.js';
import type { Db } from '../database.js';
import type { NotificationsService } from '../notifications/service.js';
import { checkoutNotSupported, createFlightsCheckout } from './checkout.js';
import { FLIGHTS_CONSTRAINTS } from './constraints.js';
import { createFlightHoldsRepository } from './holds-repository.js';
import { eventPayload, publicOffer, toFlightBooking, toHttpError } from './mappers.js';
import { createFlightsRepository, type FlightBookingRow } from './repository.js';
import { createScheduleAdmin } from './schedule.js';
import type {
  FlightBooking,
  FlightBookingCreate,
  FlightBookingList,
  FlightBookingListQuery,
  FlightSearchQuery,
  FlightSearchResponse,
  Offer,
  Passenger,
} from './schemas.js';
import { duffelSupplier } from './suppliers/duffel.js';
import { ownScheduleSupplier } from './suppliers/own-schedule.js';
import { createSupplierSet } from './suppliers/registry.js';
import { type FlightSupplier, SupplierError, type SupplierOffer } from './suppliers/types.js';

export const SCHEDULE_JOB = 'flights.extend-schedule';
export const EXPIRE_HOLDS_JOB = 'flights.expire-holds';

declare module '../../platform/jobs.js' {
  interface JobCatalogue {
    'flights.extend-schedule': Record<string, never>;
    'flights.expire-holds': Record<string, never>;
  }
}

const offerKey = (id: string) => `offer:${id}`;

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
  idempotency: Idempotency;
  audit: AuditLog;
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

  const holds = createFlightHoldsRepository(db);
  const holdsExpired = holdsExpiredCounter(deps.metrics);

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
    remember: Remember,
    hold?: Date,
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
        status: hold ? 'pending' : 'confirmed',
        hold_expires_at: hold ?? null,
        amount_due_on_site: hold ? 0 : order.totalAmount,
        ...(offer.cancellationPolicy && {
          free_cancellation_hours: offer.cancellationPolicy.freeUntilHoursBefore,
          cancellation_fee_bp: offer.cancellationPolicy.feeBasisPoints,
        }),
      },
      tx,
    );
    const booking = toFlightBooking(row);
    if (hold) {
      await deps.audit.record(tx, {
        action: 'booking.hold',
        actorId: userId,
        subject: `flight_booking:${booking.id}`,
        details: { offerId: offer.id, totalAmount: booking.totalAmount, holdExpiresAt: hold },
      });
      return booking;
    }
    await notifications.emit(tx, {
      type: 'booking.confirmed',
      aggregateId: booking.id,
      recipient: { userId },
      payload: eventPayload(booking),
    });
    await deps.audit.record(tx, {
      action: 'booking.create',
      actorId: userId,
      subject: `flight_booking:${booking.id}`,
      details: { offerId: offer.id, supplier: offer.supplier, totalAmount: booking.totalAmount },
    });
    await remember(tx, { statusCode: 201, body: booking });
    return booking;
  }

  /**
   * Takes seats on Voyage's own flight and records the booking (a hold until `hold`), after
   * releasing the cabin's lapsed holds with the cabin locked: a lapsed hold never blocks a booking,
   * whatever the job's lag.
   */
  async function takeOwn(
    userId: string,
    offer: SupplierOffer,
    passengers: Passenger[],
    remember: Remember,
    hold?: Date,
  ): Promise<FlightBooking> {
    const supplier = set.get('own-schedule')!;
    let released = 0;
    const booking = await db.transaction().execute(async (tx) => {
      const flightId = offer.supplierData.flightId as string;
      await holds.lockCabin(flightId, offer.cabin, tx);
      released = await holds.releaseLapsed(flightId, offer.cabin, clock.now(), tx);
      const order = await supplier.createOrder(offer, passengers, tx);
      return record(userId, offer, order, passengers, tx, remember, hold);
    });
    holdsExpired('flight', released);
    return booking;
  }

  async function book(
    userId: string,
    input: FlightBookingCreate,
    remember: Remember,
  ): Promise<FlightBooking> {
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
      if (supplier.local) return await takeOwn(userId, offer, input.passengers, remember);
      const fresh = await supplier.getOffer(offer);
      if (fresh.totalAmount !== offer.totalAmount || fresh.currency !== offer.currency) {
        throw conflict('price_changed', 'The price of this offer changed; search again', {
          was: { amount: offer.totalAmount, currency: offer.currency },
          now: { amount: fresh.totalAmount, currency: fresh.currency },
        });
      }
      const order = await supplier.createOrder(offer, input.passengers);
      try {
        return await db
          .transaction()
          .execute((tx) => record(userId, offer, order, input.passengers, tx, remember));
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
        throw constraintError(FLIGHTS_CONSTRAINTS.flight_bookings_offer_key);
      throw err;
    }
  }

  /** Books an offer once per Idempotency-Key: a repeat with the same body gets the first answer. */
  async function bookOnce(
    userId: string,
    input: FlightBookingCreate,
    key: string | undefined,
  ): Promise<Outcome<FlightBooking>> {
    return deps.idempotency.run<FlightBooking>(
      { userId, key, operation: 'flights.book', request: input },
      async (remember) => {
        try {
          const booking = await book(userId, input, remember);
          outcomes.inc({ supplier: booking.supplier, outcome: 'created' });
          await cache.del(offerKey(input.offerId));
          return { statusCode: 201, body: booking };
        } catch (err) {
          outcomes.inc({ supplier: 'any', outcome: err instanceof AppError ? err.code : 'error' });
          throw err;
        }
      },
    );
  }

  /** Cancels with the supplier, then here; seats of Voyage's own flights go back on sale. */
  async function cancel(id: string, who: Principal): Promise<FlightBooking> {
    const row = await repo.findBooking(id);
    if (!visibleTo(row, who)) throw notFound('flight_booking_not_found', 'Flight booking not found');
    if (row.status !== 'confirmed' && row.status !== 'pending') return toFlightBooking(row);
    if (row.status === 'pending' || row.amount_charged > 0) throw cancelThroughCheckout();
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
        await deps.audit.record(tx, {
          action: 'booking.cancel',
          actorId: who.userId,
          subject: `flight_booking:${id}`,
        });
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
  }

  const checkout = createFlightsCheckout({
    db,
    clock,
    notifications,
    audit: deps.audit,
    holds,
    holdsExpired,
    findBooking: (id, tx) => repo.findBooking(id, tx),
    /** Holds an own-schedule offer; a supplier's offer is paid to the airline at once. */
    async hold(userId, input, until) {
      const offer = await cachedOffer(input.offerId);
      if (!offer) throw conflict('offer_expired', 'This offer has expired or was never made; search again');
      if (input.passengers.length !== offer.passengers)
        throw badRequest(
          'passenger_count_mismatch',
          `This offer is for ${offer.passengers} passenger(s); ${input.passengers.length} given`,
        );
      if (!set.get(offer.supplier)?.local) throw checkoutNotSupported(offer.supplier);
      try {
        const booking = await takeOwn(userId, offer, input.passengers, async () => {}, until);
        await cache.del(offerKey(input.offerId));
        return booking;
      } catch (err) {
        if (err instanceof SupplierError) throw toHttpError(err);
        if (isConstraintViolation(err, 'flight_bookings_offer_key'))
          throw constraintError(FLIGHTS_CONSTRAINTS.flight_bookings_offer_key);
        throw err;
      }
    },
  });

  return {
    suppliers: set,

    /** For the minute job: releases every lapsed hold. */
    expireHolds: () => checkout.expireHolds(clock.now()),

    /** What checkout holds, confirms and refunds an own-schedule flight through. */
    checkout,

    ...createScheduleAdmin({ db: deps.db, repo, clock }),

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

    /** Books an offer (for callers with no Idempotency-Key, such as the demo seed). */
    async book(userId: string, input: FlightBookingCreate): Promise<FlightBooking> {
      return (await bookOnce(userId, input, undefined)).body;
    },

    bookOnce,

    /** Cancels once per Idempotency-Key: a repeat gets the first answer. */
    cancelOnce(id: string, who: Principal, key?: string): Promise<Outcome<FlightBooking>> {
      return deps.idempotency.run<FlightBooking>(
        { userId: who.userId, key, operation: 'flights.cancel', request: { id } },
        async () => ({ statusCode: 200, body: await cancel(id, who) }),
      );
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
      const page = await newestFirstPage(q, (opts) => repo.listForUser(userId, opts), toFlightBooking);
      return { bookings: page.items, nextCursor: page.nextCursor };
    },

    cancel,

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
