import { authFetch } from './client';
import { ApiError, toApiError } from './errors';

/**
 * Checkout: holds, payment and cancellation for every kind of booking. The types follow the
 * server's checkout contract (src/modules/checkout) until its routes are in the OpenAPI document.
 */
export type CheckoutKind = 'car' | 'stay' | 'flight';
export type CheckoutStatus = 'pending' | 'confirmed' | 'cancelled' | 'expired' | 'refunded';
export type PaymentStatus =
  | 'requires_payment'
  | 'processing'
  | 'succeeded'
  | 'failed'
  | 'due_on_site'
  | 'refunded';

export interface CancellationPolicy {
  freeUntilHoursBefore: number;
  /** The fee after that, in basis points of the amount (10 000 = all of it). */
  feeBasisPoints: number;
}

export interface CheckoutConfig {
  provider: 'stripe' | 'pay-at-pickup';
  holdMinutes: number;
  testMode: boolean;
  testPaymentMethods: { id: string; label: string }[];
}

export interface CheckoutBooking {
  kind: CheckoutKind;
  id: string;
  userId: string;
  status: CheckoutStatus;
  amount: number;
  currency: string;
  holdExpiresAt: string | null;
  startsAt: string;
  policy: CancellationPolicy;
  title: string;
  amountCharged: number;
  amountDueOnSite: number;
  amountRefunded: number;
  paymentProvider: string | null;
  paymentId: string | null;
}

export interface Checkout {
  booking: CheckoutBooking;
  payment: {
    provider: string;
    status: PaymentStatus;
    clientSecret: string | null;
    failureReason: string | null;
  };
}

export interface CancellationQuote {
  refundAmount: number;
  fee: number;
  currency: string;
  freeUntil: string;
}

export interface CancelResult {
  booking: CheckoutBooking;
  refund: { amount: number; status: string };
}

/** The body each kind already takes to create a booking. */
export type HoldRequest =
  | { kind: 'car'; booking: { carId: string; pickupTime: string; dropoffTime: string } }
  | { kind: 'stay'; booking: { roomTypeId: string; checkIn: string; checkOut: string; guests: number } }
  | {
      kind: 'flight';
      booking: {
        offerId: string;
        passengers: {
          givenName: string;
          familyName: string;
          bornOn: string;
          title: 'mr' | 'ms' | 'mrs' | 'miss' | 'dr';
          gender: 'm' | 'f';
        }[];
      };
    };

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, key?: string): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (key) headers['idempotency-key'] = key;
  let res: Response;
  try {
    res = await authFetch(
      new Request(new URL(path, window.location.origin), {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      }),
    );
  } catch (err) {
    throw new ApiError(0, 'network', String(err));
  }
  const data: unknown = await res.json().catch(() => undefined);
  if (!res.ok) throw toApiError(res.status, data);
  return data as T;
}

const at = (kind: CheckoutKind, id: string, rest = '') =>
  `/checkout/${kind}/${encodeURIComponent(id)}${rest}`;

export const checkoutApi = {
  config: () => call<CheckoutConfig>('GET', '/checkout/config'),
  /** Holds the product as a pending booking; `key` is the attempt's Idempotency-Key. */
  hold: (req: HoldRequest, key: string) => call<Checkout>('POST', '/checkout/holds', req, key),
  get: (kind: CheckoutKind, id: string) => call<Checkout>('GET', at(kind, id)),
  pay: (kind: CheckoutKind, id: string, paymentMethod?: string) =>
    call<Checkout>('POST', at(kind, id, '/pay'), paymentMethod ? { paymentMethod } : {}),
  quote: (kind: CheckoutKind, id: string) => call<CancellationQuote>('GET', at(kind, id, '/cancellation')),
  cancel: (kind: CheckoutKind, id: string) => call<CancelResult>('POST', at(kind, id, '/cancel'), {}),
};

/** Where each kind's confirmed booking lives in the app, and where to search for another. */
export const bookingPath = (kind: CheckoutKind, id: string) =>
  `/bookings/${{ car: 'cars', stay: 'stays', flight: 'flights' }[kind]}/${id}`;
export const searchPath = (kind: CheckoutKind) => ({ car: '/', stay: '/stays', flight: '/flights' })[kind];
export const checkoutPath = (kind: CheckoutKind, id: string) => `/checkout/${kind}/${id}`;

/** A product's cancellation policy, while the product types do not carry it yet. */
export function policyOf(product: unknown): CancellationPolicy | undefined {
  const p = (product as { cancellationPolicy?: CancellationPolicy } | undefined)?.cancellationPolicy;
  return p && typeof p.freeUntilHoursBefore === 'number' ? p : undefined;
}
