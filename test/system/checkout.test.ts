import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRIPE_TEST_ENV } from '../helpers/checkout.js';
import { type StripeServer, startStripeServer } from '../helpers/stripe-server.js';
import { until } from '../helpers/wait.js';
import {
  createServerDatabase,
  SECRETS,
  startVoyage,
  type VoyageProcess,
  voyage,
  waitFor,
} from './helpers/processes.js';

/**
 * Checkout in a real process from dist, paying through the Stripe contract server, whose webhooks
 * reach the process over HTTP: hold, pay, webhook, confirmed, cancel, refund for each kind; a
 * declined card; webhooks redelivered and out of order; a hold that lapses (HOLD_MINUTES=1).
 */
const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
const at = (n: number, hour: number) => `${day(n)}T${String(hour).padStart(2, '0')}:00:00.000Z`;

// biome-ignore lint/suspicious/noExplicitAny: JSON answered by the process under test
type Json = Record<string, any>;

describe('checkout across a real process and the Stripe contract server', () => {
  let db: Awaited<ReturnType<typeof createServerDatabase>>;
  let stripe: StripeServer;
  let api: VoyageProcess;
  let token: string;

  const call = async (
    method: string,
    url: string,
    body?: unknown,
  ): Promise<{ status: number; json: Json }> => {
    const res = await fetch(`${api.url}${url}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: (await res.json()) as Json };
  };
  const ok = async (method: string, url: string, body?: unknown) => {
    const res = await call(method, url, body);
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.json)}`);
    return res.json;
  };

  const PASSENGER = {
    givenName: 'Amelia',
    familyName: 'Earhart',
    bornOn: '1987-07-24',
    title: 'ms',
    gender: 'f',
    email: 'amelia@example.com',
    phoneNumber: '+442080160509',
  };
  let offset = 20;
  async function holdBody(kind: 'car' | 'stay' | 'flight') {
    offset += 3;
    if (kind === 'car') {
      const pickupTime = at(offset, 10);
      const dropoffTime = at(offset + 2, 10);
      const found = await ok(
        'GET',
        `/search?lat=37.7749&lng=-122.4194&radiusKm=50&pickup=${pickupTime}&dropoff=${dropoffTime}`,
      );
      return { kind, booking: { carId: found.cars[0].id, pickupTime, dropoffTime } };
    }
    if (kind === 'stay') {
      const found = await ok(
        'GET',
        `/stays/search?city=San%20Francisco&checkIn=${day(offset)}&checkOut=${day(offset + 2)}`,
      );
      return {
        kind,
        booking: {
          roomTypeId: found.properties[0].roomTypes[0].id,
          checkIn: day(offset),
          checkOut: day(offset + 2),
          guests: 1,
        },
      };
    }
    const found = await ok('GET', `/flights/search?from=LHR&to=CDG&date=${day(offset)}`);
    return { kind, booking: { offerId: found.offers[0].id, passengers: [PASSENGER] } };
  }

  const deliveredOk = (type: string, objectId: string) =>
    until(
      () =>
        stripe.events.some(
          (e) =>
            e.type === type &&
            e.data.object.id === objectId &&
            stripe.deliveries.some((d) => d.eventId === e.id && d.status === 200),
        ),
      `${type} delivered`,
      20_000,
    );

  beforeAll(async () => {
    db = await createServerDatabase();
    stripe = await startStripeServer(STRIPE_TEST_ENV);
    const env = {
      DATABASE_URL: db.url,
      ...SECRETS,
      RATE_LIMIT_MAX: '0',
      STRIPE_SECRET_KEY: STRIPE_TEST_ENV.secretKey,
      STRIPE_WEBHOOK_SECRET: STRIPE_TEST_ENV.webhookSecret,
      STRIPE_API_BASE: stripe.url,
      HOLD_MINUTES: '1',
    };
    expect((await voyage(['migrate', 'up'], env)).code).toBe(0);
    const seeded = await voyage(['seed', '--cars', '60', '--bookings', '0'], env);
    expect(seeded.code, seeded.stderr).toBe(0);
    api = await startVoyage(env);
    await waitFor(`${api.url}/health/ready`, 200, 60_000, api);
    stripe.setWebhookUrl(`${api.url}/payments/webhooks/stripe`);
    token = (
      await ok('POST', '/auth/signup', {
        email: 'payer@example.com',
        password: 'correct horse battery',
        name: 'Pat Payer',
      })
    ).accessToken;
  }, 180_000);
  afterAll(async () => {
    await api?.stop();
    await stripe?.close();
    await db?.drop();
  });

  it('offers the test cards of Stripe test mode', async () => {
    expect(await ok('GET', '/checkout/config')).toMatchObject({
      provider: 'stripe',
      holdMinutes: 1,
      testMode: true,
    });
  });

  it.each(['car', 'stay', 'flight'] as const)(
    '%s: hold, pay, webhook, confirmed, cancel, refund',
    async (kind) => {
      const held = await call('POST', '/checkout/holds', await holdBody(kind));
      expect(held.status, JSON.stringify(held.json)).toBe(201);
      const { booking } = held.json;
      expect(booking).toMatchObject({ kind, status: 'pending' });
      expect(held.json.payment.clientSecret).toMatch(/^pi_/);

      const paid = await ok('POST', `/checkout/${kind}/${booking.id}/pay`, { paymentMethod: 'pm_card_visa' });
      expect(paid.booking).toMatchObject({ status: 'confirmed', amountCharged: booking.amount });
      const pi = [...stripe.intents.values()].find((i) => i.metadata.bookingId === booking.id)!;
      expect(pi).toMatchObject({ status: 'succeeded', amount: booking.amount, metadata: { kind } });
      await deliveredOk('payment_intent.succeeded', pi.id);
      expect((await ok('GET', `/checkout/${kind}/${booking.id}`)).payment.status).toBe('succeeded');

      const quote = await ok('GET', `/checkout/${kind}/${booking.id}/cancellation`);
      expect(quote).toMatchObject({ refundAmount: booking.amount, fee: 0, currency: booking.currency });
      const cancelled = await ok('POST', `/checkout/${kind}/${booking.id}/cancel`);
      expect(cancelled.refund).toEqual({ amount: booking.amount, status: 'succeeded' });
      await deliveredOk('charge.refunded', String(pi.latest_charge));
      const after = await ok('GET', `/checkout/${kind}/${booking.id}`);
      expect(after.booking).toMatchObject({ status: 'refunded', amountRefunded: booking.amount });
      expect(after.payment.status).toBe('refunded');
    },
    60_000,
  );

  it('a declined card: 402, the hold stays, another card pays', async () => {
    const { booking } = await ok('POST', '/checkout/holds', await holdBody('stay'));
    const declined = await call('POST', `/checkout/stay/${booking.id}/pay`, {
      paymentMethod: 'pm_card_chargeDeclined',
    });
    expect(declined.status).toBe(402);
    expect(declined.json.error).toMatchObject({
      code: 'card_declined',
      details: { declineCode: 'generic_decline' },
    });
    const still = await ok('GET', `/checkout/stay/${booking.id}`);
    expect(still.booking.status).toBe('pending');
    expect(still.payment).toMatchObject({ status: 'failed', failureReason: 'generic_decline' });
    const paid = await ok('POST', `/checkout/stay/${booking.id}/pay`, { paymentMethod: 'pm_card_visa' });
    expect(paid.booking.status).toBe('confirmed');
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).toMatch(/voyage_payment_failures_total\{[^}]*reason="generic_decline"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/voyage_revenue_minor_total\{[^}]*kind="stay"/);
  }, 60_000);

  it('webhooks delivered twice and out of order change nothing backwards', async () => {
    stripe.setAutoDeliver(false);
    try {
      const { booking } = await ok('POST', '/checkout/holds', await holdBody('car'));
      await call('POST', `/checkout/car/${booking.id}/pay`, {
        paymentMethod: 'pm_card_chargeDeclinedInsufficientFunds',
      });
      await ok('POST', `/checkout/car/${booking.id}/pay`, { paymentMethod: 'pm_card_visa' });
      await ok('POST', `/checkout/car/${booking.id}/cancel`);
      const [failed, succeeded, refunded] = stripe.take();
      expect([failed?.type, succeeded?.type, refunded?.type]).toEqual([
        'payment_intent.payment_failed',
        'payment_intent.succeeded',
        'charge.refunded',
      ]);
      // Newest first, each twice: the refund, then the success, then the failure.
      for (const event of [refunded!, refunded!, succeeded!, succeeded!, failed!, failed!])
        expect(await stripe.deliver(event)).toBe(200);
      const after = await ok('GET', `/checkout/car/${booking.id}`);
      expect(after.booking).toMatchObject({ status: 'refunded', amountRefunded: booking.amount });
      expect(after.payment.status).toBe('refunded');
    } finally {
      stripe.setAutoDeliver(true);
    }
  }, 60_000);

  it('refuses a forged webhook with 400 invalid_signature', async () => {
    const res = await fetch(`${api.url}/payments/webhooks/stripe`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`,
      },
      body: JSON.stringify(stripe.events[0]),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).error.code).toBe('invalid_signature');
  });

  it('a hold that lapses cannot be paid (409 hold_expired) and frees its product', async () => {
    const body = await holdBody('car');
    const { booking } = await ok('POST', '/checkout/holds', body);
    await until(
      async () => new Date(booking.holdExpiresAt).getTime() < Date.now() - 1000,
      'the hold to lapse',
      90_000,
    );
    const res = await call('POST', `/checkout/car/${booking.id}/pay`, { paymentMethod: 'pm_card_visa' });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('hold_expired');
    expect([...stripe.intents.values()].find((i) => i.metadata.bookingId === booking.id)?.status).toBe(
      'requires_payment_method',
    );
    // The car is free again for someone else.
    const again = await call('POST', '/checkout/holds', body);
    expect(again.status, JSON.stringify(again.json)).toBe(201);
  }, 120_000);
});
