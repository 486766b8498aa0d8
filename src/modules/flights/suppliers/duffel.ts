import type { Duffel } from '@duffel/api';
import { DateTime, Duration } from 'luxon';
import { minorUnitDigits } from '../../../platform/format.js';
import type { Passenger, Segment } from '../schemas.js';
import type { Cabin } from '../tables.js';
import { type FlightSupplier, SupplierError, type SupplierOffer } from './types.js';

/** The parts of Duffel's offer JSON that Voyage reads (https://duffel.com/docs/api/offers). */
interface DuffelPlace {
  iata_code: string;
  name: string;
  time_zone: string;
}
interface DuffelSegment {
  origin: DuffelPlace;
  destination: DuffelPlace;
  departing_at: string;
  arriving_at: string;
  duration?: string | null;
  marketing_carrier: { iata_code: string };
  marketing_carrier_flight_number: string;
  aircraft?: { name: string } | null;
  passengers?: { cabin_class?: string }[];
}
export interface DuffelOffer {
  id: string;
  total_amount: string;
  total_currency: string;
  expires_at: string;
  passengers: { id: string }[];
  slices: { segments: DuffelSegment[] }[];
}

const ORDER_TIMEOUT_MS = 30_000;
const HEALTH_CACHE_MS = 30_000;
const MAX_OFFERS = 50;

/** "45.00" GBP → 4500; "4500" JPY → 4500. Decimal strings, so no float rounding. */
export function toMinorUnits(amount: string, currency: string): number {
  const digits = minorUnitDigits(currency);
  const [whole = '0', fraction = ''] = amount.split('.');
  return Number(whole) * 10 ** digits + Number((fraction + '0'.repeat(digits)).slice(0, digits) || '0');
}

function fromMinorUnits(amount: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  return digits === 0 ? String(amount) : (amount / 10 ** digits).toFixed(digits);
}

function toSegment(s: DuffelSegment): Segment {
  const departure = DateTime.fromISO(s.departing_at, { zone: s.origin.time_zone });
  const arrival = DateTime.fromISO(s.arriving_at, { zone: s.destination.time_zone });
  const fromDuration = s.duration ? Duration.fromISO(s.duration).as('minutes') : Number.NaN;
  return {
    origin: s.origin.iata_code,
    destination: s.destination.iata_code,
    originName: s.origin.name,
    destinationName: s.destination.name,
    departureAt: departure.toUTC().toISO()!,
    arrivalAt: arrival.toUTC().toISO()!,
    departureTimeZone: s.origin.time_zone,
    arrivalTimeZone: s.destination.time_zone,
    carrier: s.marketing_carrier.iata_code,
    flightNumber: `${s.marketing_carrier.iata_code}${s.marketing_carrier_flight_number}`,
    aircraft: s.aircraft?.name ?? '',
    durationMinutes: Number.isFinite(fromDuration)
      ? Math.round(fromDuration)
      : Math.round(arrival.diff(departure, 'minutes').minutes),
  };
}

export function toOffer(o: DuffelOffer, cabin: Cabin): SupplierOffer {
  const segments = o.slices[0]?.segments ?? [];
  return {
    id: o.id,
    supplier: 'duffel',
    totalAmount: toMinorUnits(o.total_amount, o.total_currency),
    currency: o.total_currency,
    cabin: (segments[0]?.passengers?.[0]?.cabin_class as Cabin | undefined) ?? cabin,
    passengers: o.passengers.length,
    expiresAt: new Date(o.expires_at).toISOString(),
    segments: segments.map(toSegment),
    cancellationPolicy: null,
    supplierData: { passengerIds: o.passengers.map((p) => p.id) },
  };
}

interface DuffelErrorLike {
  meta?: { status?: number };
  status?: number;
  errors?: { code?: string; type?: string; message?: string; title?: string }[];
  headers?: { get(name: string): string | null };
}

function retryAfterSeconds(headers: DuffelErrorLike['headers']): number {
  const retry = headers?.get('retry-after');
  if (retry && /^\d+$/.test(retry)) return Number(retry);
  const reset = headers?.get('ratelimit-reset');
  if (reset) {
    const at = /^\d+$/.test(reset) ? Number(reset) * 1000 : Date.parse(reset);
    if (Number.isFinite(at)) return Math.max(1, Math.ceil((at - Date.now()) / 1000));
  }
  return 60;
}

/** Duffel's documented errors (https://duffel.com/docs/api/overview/errors) in Voyage's words. */
export function translateError(err: unknown): SupplierError {
  if (err instanceof SupplierError) return err;
  const e = err as DuffelErrorLike;
  if (!Array.isArray(e?.errors)) {
    return new SupplierError(
      'duffel',
      'unavailable',
      `Duffel could not be reached: ${(err as Error)?.message}`,
    );
  }
  const status = e.meta?.status ?? e.status ?? 0;
  const first = e.errors[0] ?? {};
  const message = first.message ?? first.title ?? 'Duffel refused the request';
  if (status === 429 || first.type === 'rate_limit_error')
    return new SupplierError(
      'duffel',
      'rate_limited',
      'Duffel is rate limiting requests',
      retryAfterSeconds(e.headers),
    );
  if (
    first.code === 'offer_no_longer_available' ||
    first.code === 'offer_expired' ||
    (status === 404 && first.code === 'not_found')
  )
    return new SupplierError('duffel', 'offer_expired', message);
  if (first.code === 'price_changed') return new SupplierError('duffel', 'price_changed', message);
  if (status >= 400 && status < 500) return new SupplierError('duffel', 'rejected', message);
  return new SupplierError('duffel', 'unavailable', message);
}

async function call<T>(work: Promise<T>, timeoutMs?: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const guarded = timeoutMs
      ? Promise.race([
          work,
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new SupplierError('duffel', 'unavailable', 'Duffel did not answer in time')),
              timeoutMs,
            );
          }),
        ])
      : work;
    return await guarded;
  } catch (err) {
    throw translateError(err);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Flights from Duffel through its official client (@duffel/api). The client is loaded only when
 * Duffel is enabled; its base URL is configurable so the adapter can be contract-tested locally.
 */
export function duffelSupplier(opts: {
  token: string;
  apiUrl: string;
  healthCacheMs?: number;
}): FlightSupplier {
  let client: Promise<Duffel> | undefined;
  const load = () => {
    client ??= import('@duffel/api').then(
      ({ Duffel: Client }) => new Client({ token: opts.token, basePath: opts.apiUrl, source: 'voyage' }),
    );
    return client;
  };
  const healthCacheMs = opts.healthCacheMs ?? HEALTH_CACHE_MS;
  let lastHealth: { at: number; ok: boolean } | undefined;

  return {
    name: 'duffel',
    local: false,

    async searchOffers(q) {
      const duffel = await load();
      const res = await call(
        duffel.offerRequests.create({
          slices: [{ origin: q.from, destination: q.to, departure_date: q.date }],
          passengers: Array.from({ length: q.passengers }, () => ({ type: 'adult' as const })),
          cabin_class: q.cabin,
          max_connections: 1,
          return_offers: true,
        } as never),
      );
      const offers = ((res.data as unknown as { offers?: DuffelOffer[] }).offers ?? [])
        .filter((o) => o.slices.length === 1)
        .map((o) => toOffer(o, q.cabin))
        .sort((a, b) => a.totalAmount - b.totalAmount);
      return offers.slice(0, MAX_OFFERS);
    },

    async getOffer(offer) {
      const duffel = await load();
      const res = await call(duffel.offers.get(offer.id));
      const fresh = toOffer(res.data as unknown as DuffelOffer, offer.cabin);
      if (new Date(fresh.expiresAt).getTime() <= Date.now())
        throw new SupplierError('duffel', 'offer_expired', 'This offer has expired');
      return fresh;
    },

    async createOrder(offer, passengers: Passenger[]) {
      const duffel = await load();
      const ids = offer.supplierData.passengerIds as string[];
      if (passengers.some((p) => !p.email || !p.phoneNumber))
        throw new SupplierError(
          'duffel',
          'rejected',
          'Every passenger needs an email and a phoneNumber for this offer',
        );
      const res = await call(
        duffel.orders.create({
          type: 'instant',
          selected_offers: [offer.id],
          passengers: passengers.map((p, i) => ({
            id: ids[i]!,
            title: p.title,
            gender: p.gender,
            given_name: p.givenName,
            family_name: p.familyName,
            born_on: p.bornOn,
            email: p.email!,
            phone_number: p.phoneNumber!,
          })),
          payments: [
            {
              type: 'balance',
              currency: offer.currency,
              amount: fromMinorUnits(offer.totalAmount, offer.currency),
            },
          ],
        } as never),
        ORDER_TIMEOUT_MS,
      );
      const order = res.data as unknown as {
        id: string;
        booking_reference: string;
        total_amount: string;
        total_currency: string;
      };
      return {
        orderId: order.id,
        bookingReference: order.booking_reference,
        totalAmount: toMinorUnits(order.total_amount, order.total_currency),
        currency: order.total_currency,
      };
    },

    async cancelOrder(order) {
      const duffel = await load();
      const quote = await call(
        duffel.orderCancellations.create({ order_id: order.orderId }),
        ORDER_TIMEOUT_MS,
      );
      await call(duffel.orderCancellations.confirm(quote.data.id), ORDER_TIMEOUT_MS);
    },

    /** Cached briefly: readiness probes must not spend the rate limit. */
    async health() {
      if (lastHealth && Date.now() - lastHealth.at < healthCacheMs) return lastHealth.ok;
      const duffel = await load();
      const ok = await call(duffel.airlines.list({ limit: 1 }), 5_000).then(
        () => true,
        () => false,
      );
      lastHealth = { at: Date.now(), ok };
      return ok;
    },
  };
}
