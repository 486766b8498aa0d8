import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../../../platform/clock.js';
import { isConstraintViolation } from '../../../platform/db/errors.js';
import { toPolicy } from '../../checkout/policy.js';
import type { Db } from '../../database.js';
import type { FlightsRepository, ScheduledOfferRow } from '../repository.js';
import type { Cabin } from '../tables.js';
import { type FlightSupplier, SupplierError, type SupplierOffer } from './types.js';

const PNR_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function bookingReference(): string {
  return Array.from(randomBytes(6), (b) => PNR_ALPHABET[b % PNR_ALPHABET.length]).join('');
}

function toOffer(r: ScheduledOfferRow, passengers: number, expiresAt: Date): SupplierOffer {
  return {
    id: `own_${randomUUID().replaceAll('-', '')}`,
    supplier: 'own-schedule',
    totalAmount: r.fare * passengers,
    currency: r.currency.trim(),
    cabin: r.cabin,
    passengers,
    expiresAt: expiresAt.toISOString(),
    segments: [
      {
        origin: r.origin.trim(),
        destination: r.destination.trim(),
        originName: r.origin_name,
        destinationName: r.destination_name,
        departureAt: r.departure_at.toISOString(),
        arrivalAt: r.arrival_at.toISOString(),
        departureTimeZone: r.origin_tz,
        arrivalTimeZone: r.destination_tz,
        carrier: r.flight_number.slice(0, 2),
        flightNumber: r.flight_number,
        aircraft: r.aircraft,
        durationMinutes: r.duration_minutes,
      },
    ],
    cancellationPolicy: toPolicy(r),
    supplierData: { flightId: r.flight_id, fare: r.fare },
  };
}

/**
 * Voyage's own inventory: scheduled flights with seats per cabin in the database, so that search
 * and booking work without any outside supplier. Offers are priced from the fare and held for
 * the offer TTL; seats are only taken when the order is placed.
 */
export function ownScheduleSupplier(deps: {
  repo: FlightsRepository;
  clock: Clock;
  offerTtlMs: number;
}): FlightSupplier {
  const { repo, clock } = deps;
  return {
    name: 'own-schedule',
    local: true,

    async searchOffers(q) {
      const now = clock.now();
      const rows = await repo.scheduledOffers({
        from: q.from,
        to: q.to,
        date: q.date,
        cabin: q.cabin,
        seats: q.passengers,
        after: now,
      });
      const expiresAt = new Date(now.getTime() + deps.offerTtlMs);
      return rows.map((r) => toOffer(r, q.passengers, expiresAt));
    },

    async getOffer(offer) {
      const flightId = offer.supplierData.flightId as string;
      const cabin = await repo.cabin(flightId, offer.cabin as Cabin);
      if (!cabin || new Date(offer.expiresAt) <= clock.now())
        throw new SupplierError('own-schedule', 'offer_expired', 'This offer has expired');
      if (cabin.seats_available < offer.passengers)
        throw new SupplierError('own-schedule', 'sold_out', 'Not enough seats are left on this flight');
      return offer;
    },

    async createOrder(offer, _passengers, tx?: Db) {
      if (!tx) throw new Error('own-schedule orders are placed inside the booking transaction');
      const flightId = offer.supplierData.flightId as string;
      try {
        const taken = await repo.takeSeats(flightId, offer.cabin, offer.passengers, tx);
        if (!taken) throw new SupplierError('own-schedule', 'offer_expired', 'This flight is no longer sold');
      } catch (err) {
        if (isConstraintViolation(err, 'flight_cabins_seats_nonnegative'))
          throw new SupplierError('own-schedule', 'sold_out', 'Not enough seats are left on this flight');
        throw err;
      }
      return {
        orderId: `own_ord_${randomUUID().replaceAll('-', '')}`,
        bookingReference: bookingReference(),
        totalAmount: offer.totalAmount,
        currency: offer.currency,
      };
    },

    async cancelOrder(order, tx?: Db) {
      if (!tx || !order.ownFlightId) throw new Error('own-schedule cancellations run inside a transaction');
      await repo.releaseSeats(order.ownFlightId, order.cabin, order.seats, tx);
    },

    async health() {
      await repo.countRoutes();
      return true;
    },
  };
}
