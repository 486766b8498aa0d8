import type { LightMyRequestResponse } from 'fastify';
import { buildCar, buildLocation, daysFrom } from './factories.js';
import { type StripeEvent, signatureHeader } from './stripe-server.js';
import type { SignedIn, TestApp } from './test-app.js';
import { buildProperty, buildRoomType, dateIn } from './travel-factories.js';

export const STRIPE_TEST_ENV = {
  secretKey: 'sk_test_voyage0123456789abcdef',
  webhookSecret: 'whsec_voyage0123456789abcdef',
};

/** A hold body for a car picked up in `days` days, on a fresh car. */
export async function carHoldBody(t: TestApp, days = 10) {
  const location = await buildLocation(t.services);
  const car = await buildCar(t.services, location.id, { dailyRate: 5000, currency: 'EUR' });
  const base = new Date(t.ctx.clock.now().getTime() + days * 86_400_000);
  base.setUTCHours(10, 0, 0, 0);
  return {
    kind: 'car',
    booking: { carId: car.id, pickupTime: daysFrom(base, 0), dropoffTime: daysFrom(base, 2) },
  };
}

/** A hold body for two nights in `days` days, on a fresh room type. */
export async function stayHoldBody(t: TestApp, days = 10) {
  const property = await buildProperty(t.services);
  const roomType = await buildRoomType(t.services, property.id, { rooms: 2 });
  return {
    kind: 'stay',
    booking: { roomTypeId: roomType.id, checkIn: dateIn(days), checkOut: dateIn(days + 2), guests: 2 },
  };
}

export function hold(t: TestApp, who: SignedIn, body: object, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/checkout/holds',
    headers: { ...who.auth, ...headers },
    payload: body,
  });
}

export function pay(t: TestApp, who: SignedIn, kind: string, id: string, paymentMethod?: string) {
  return t.app.inject({
    method: 'POST',
    url: `/checkout/${kind}/${id}/pay`,
    headers: who.auth,
    payload: paymentMethod ? { paymentMethod } : {},
  });
}

/** Delivers a contract-server event through app.inject, signed as Stripe signs it. */
export function deliver(
  t: TestApp,
  event: StripeEvent,
  secret = STRIPE_TEST_ENV.webhookSecret,
): Promise<LightMyRequestResponse> {
  const payload = JSON.stringify(event);
  return t.app.inject({
    method: 'POST',
    url: '/payments/webhooks/stripe',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'stripe-signature': signatureHeader(payload, secret),
    },
    payload,
  });
}

/** One sample of a Prometheus counter (0 when absent). */
export async function metricValue(t: TestApp, name: string, labels: Record<string, string>): Promise<number> {
  const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (want.every((w) => line.includes(w))) return Number(line.split(' ').at(-1));
  }
  return 0;
}
