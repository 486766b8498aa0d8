import { api, unwrap } from './client';
import type { paths } from './schema';

/** Checkout: holds, payment and cancellation for every kind of booking (types from the OpenAPI document). */
type Body<P extends keyof paths, M extends 'get' | 'post'> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer B } } };
}
  ? B
  : paths[P][M] extends { responses: { 201: { content: { 'application/json': infer B } } } }
    ? B
    : never;

export type Checkout = Body<'/checkout/{kind}/{id}', 'get'>;
export type CheckoutBooking = Checkout['booking'];
export type CheckoutKind = CheckoutBooking['kind'];
export type CheckoutStatus = CheckoutBooking['status'];
export type CancellationPolicy = CheckoutBooking['policy'];
export type CheckoutConfig = Body<'/checkout/config', 'get'>;
export type CancellationQuote = Body<'/checkout/{kind}/{id}/cancellation', 'get'>;
export type CancelResult = Body<'/checkout/{kind}/{id}/cancel', 'post'>;
/** The kind and the body that kind already takes to create a booking. */
export type HoldRequest = paths['/checkout/holds']['post']['requestBody']['content']['application/json'];

const path = (kind: CheckoutKind, id: string) => ({ params: { path: { kind, id } } });

export const checkoutApi = {
  config: () => unwrap(api.GET('/checkout/config')),
  /** Holds the product as a pending booking; `key` is the attempt's Idempotency-Key. */
  hold: (req: HoldRequest, key: string) =>
    unwrap(api.POST('/checkout/holds', { body: req, headers: { 'idempotency-key': key } })),
  get: (kind: CheckoutKind, id: string) => unwrap(api.GET('/checkout/{kind}/{id}', path(kind, id))),
  pay: (kind: CheckoutKind, id: string, paymentMethod?: string) =>
    unwrap(
      api.POST('/checkout/{kind}/{id}/pay', {
        ...path(kind, id),
        body: paymentMethod ? { paymentMethod } : {},
      }),
    ),
  quote: (kind: CheckoutKind, id: string) =>
    unwrap(api.GET('/checkout/{kind}/{id}/cancellation', path(kind, id))),
  cancel: (kind: CheckoutKind, id: string) =>
    unwrap(api.POST('/checkout/{kind}/{id}/cancel', path(kind, id))),
};

/** Where each kind's booking lives in the app, and where to search for another. */
export const bookingPath = (kind: CheckoutKind, id: string) =>
  `/bookings/${{ car: 'cars', stay: 'stays', flight: 'flights' }[kind]}/${id}`;
export const searchPath = (kind: CheckoutKind) => ({ car: '/', stay: '/stays', flight: '/flights' })[kind];
export const checkoutPath = (kind: CheckoutKind, id: string) => `/checkout/${kind}/${id}`;
