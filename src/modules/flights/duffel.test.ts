import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeDuffel, startFakeDuffel } from '../../../test/helpers/duffel-server.js';
import {
  createTestApp,
  errorCode,
  type SignedIn,
  signUp,
  type TestApp,
} from '../../../test/helpers/test-app.js';
import { buildAirports, buildRoute, dateIn, PASSENGER } from '../../../test/helpers/travel-factories.js';
import { toMinorUnits, translateError } from './suppliers/duffel.js';

const TOKEN = 'duffel_test_0123456789abcdef';

interface OfferJson {
  id: string;
  supplier: string;
  totalAmount: number;
  currency: string;
  segments: { departureAt: string; flightNumber: string; departureTimeZone: string }[];
}

describe('the Duffel supplier against a local server speaking Duffel’s API', () => {
  let duffel: FakeDuffel;
  let t: TestApp;
  let alice: SignedIn;

  beforeAll(async () => {
    duffel = await startFakeDuffel({ token: TOKEN });
    t = await createTestApp({
      env: {
        DUFFEL_ACCESS_TOKEN: TOKEN,
        DUFFEL_API_URL: duffel.url,
        FLIGHT_SUPPLIER_TIMEOUT: '1500ms',
        FLIGHT_BREAKER_RESET: '1500ms',
      },
    });
    alice = await signUp(t.app);
    await buildAirports(t.services);
    await buildRoute(t.services, { origin: 'LHR', destination: 'CDG', fare: 15000 });
  });
  afterAll(async () => {
    await t?.close();
    await duffel?.close();
  });
  beforeEach(() => duffel.reset());

  const search = (qs = `from=LHR&to=CDG&date=${dateIn(10)}`) =>
    t.app.inject({ method: 'GET', url: `/flights/search?${qs}` });
  const duffelOffers = (offers: OfferJson[]) => offers.filter((o) => o.supplier === 'duffel');
  const book = (offerId: string, passengers = [PASSENGER]) =>
    t.app.inject({
      method: 'POST',
      url: '/flight-bookings',
      headers: alice.auth,
      payload: { offerId, passengers },
    });

  it('enables Duffel when DUFFEL_ACCESS_TOKEN is set', () => {
    expect(t.ctx.config.flights.suppliers).toEqual(['own-schedule', 'duffel']);
  });

  it('merges offers from both suppliers, cheapest first, sending Duffel what it documents', async () => {
    const res = await search(`from=LHR&to=CDG&date=${dateIn(10)}&passengers=2`);
    expect(res.statusCode).toBe(200);
    const { offers, warnings } = res.json() as { offers: OfferJson[]; warnings: unknown[] };
    expect(warnings).toEqual([]);
    expect(new Set(offers.map((o) => o.supplier))).toEqual(new Set(['own-schedule', 'duffel']));
    expect(offers.map((o) => o.totalAmount)).toEqual(
      [...offers.map((o) => o.totalAmount)].sort((a, b) => a - b),
    );
    const req = duffel.requests.find((r) => r.path === '/air/offer_requests/')!;
    expect(req.method).toBe('POST');
    expect(req.query.get('return_offers')).toBe('true');
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req.headers['duffel-version']).toBe('v2');
    expect(req.body?.data).toMatchObject({
      slices: [{ origin: 'LHR', destination: 'CDG', departure_date: dateIn(10) }],
      passengers: [{ type: 'adult' }, { type: 'adult' }],
      cabin_class: 'economy',
    });
    // Duffel's amounts are decimal strings; its times are local to each airport.
    const [cheapest] = duffelOffers(offers);
    expect(cheapest).toMatchObject({
      totalAmount: 24560,
      currency: 'EUR',
      segments: [{ flightNumber: 'BA307', departureTimeZone: 'Europe/London' }],
    });
    const local = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Europe/London',
      dateStyle: 'short',
      timeStyle: 'short',
    }).format(new Date(cheapest!.segments[0]!.departureAt));
    expect(local).toBe(`${dateIn(10)} 07:15`);
    expect(await t.ctx.cache.get(`offer:${cheapest!.id}`)).toMatchObject({
      id: cheapest!.id,
      supplier: 'duffel',
    });
  });

  it('books a Duffel offer as an instant order paid from balance, and cancels it at Duffel', async () => {
    const offer = duffelOffers((await search()).json().offers)[0]!;
    const res = await book(offer.id);
    expect(res.statusCode).toBe(201);
    const order = duffel.requests.find((r) => r.path === '/air/orders')!;
    const sent = order.body!.data as Record<string, unknown>;
    expect(sent).toMatchObject({
      type: 'instant',
      selected_offers: [offer.id],
      payments: [{ type: 'balance', currency: 'EUR', amount: '245.60' }],
      passengers: [
        {
          id: expect.stringMatching(/^pas_/),
          given_name: 'Amelia',
          family_name: 'Earhart',
          born_on: '1987-07-24',
          title: 'ms',
          gender: 'f',
          email: 'amelia@example.com',
          phone_number: '+442080160509',
        },
      ],
    });
    const booking = res.json();
    const placed = [...duffel.orders.values()][0]!;
    expect(booking).toMatchObject({
      supplier: 'duffel',
      bookingReference: placed.booking_reference,
      totalAmount: 24560,
      currency: 'EUR',
    });
    const cancel = await t.app.inject({
      method: 'POST',
      url: `/flight-bookings/${booking.id}/cancel`,
      headers: alice.auth,
    });
    expect(cancel.statusCode).toBe(200);
    expect(cancel.json().status).toBe('cancelled');
    const confirmed = [...duffel.cancellations.values()].find((c) => c.order_id === placed.id)!;
    expect(confirmed.confirmed_at).not.toBeNull();
  });

  it('answers 409 offer_expired when Duffel says the offer is no longer available', async () => {
    const offer = duffelOffers((await search()).json().offers)[0]!;
    duffel.expire(offer.id);
    const res = await book(offer.id);
    expect(res.statusCode).toBe(409);
    expect(errorCode(res)).toBe('offer_expired');
  });

  it('cannot hold a Duffel offer for checkout (422 checkout_not_supported), and shows no Voyage policy on it', async () => {
    const offers = (await search()).json().offers;
    const offer = duffelOffers(offers)[0]!;
    expect((offer as unknown as { cancellationPolicy: unknown }).cancellationPolicy).toBeNull();
    const ordersBefore = duffel.orders.size;
    await expect(
      t.services.flights.checkout.hold(alice.userId, { offerId: offer.id, passengers: [PASSENGER] }, 10),
    ).rejects.toMatchObject({ statusCode: 422, code: 'checkout_not_supported' });
    expect(duffel.orders.size).toBe(ordersBefore);
  });

  it('asks for contact details Duffel requires, before calling it', async () => {
    const offer = duffelOffers((await search()).json().offers)[0]!;
    const before = duffel.requests.filter((r) => r.path === '/air/orders').length;
    const { email: _e, ...noEmail } = PASSENGER;
    const res = await book(offer.id, [noEmail as typeof PASSENGER]);
    expect(res.statusCode).toBe(422);
    expect(errorCode(res)).toBe('supplier_rejected');
    expect(duffel.requests.filter((r) => r.path === '/air/orders').length).toBe(before);
  });

  it('turns Duffel’s 429 into a search warning, and into 503 supplier_busy with Retry-After on booking', async () => {
    duffel.behaviour.rateLimited = 1;
    const res = await search();
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.offers.every((o: OfferJson) => o.supplier === 'own-schedule')).toBe(true);
    expect(body.offers.length).toBeGreaterThan(0);
    expect(body.warnings).toEqual([
      { supplier: 'duffel', code: 'rate_limited', message: expect.stringMatching(/retry in \d+ s/) },
    ]);

    const offer = duffelOffers((await search()).json().offers)[0]!;
    duffel.behaviour.rateLimited = 1;
    const busy = await book(offer.id);
    expect(busy.statusCode).toBe(503);
    expect(errorCode(busy)).toBe('supplier_busy');
    expect(Number(busy.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('time-boxes a slow Duffel: own offers come back with a timeout warning', async () => {
    duffel.behaviour.delayMs = 6000;
    const started = Date.now();
    const res = await search();
    const ms = Date.now() - started;
    console.log(`search with Duffel answering in 6000 ms returned in ${ms} ms (timeout 1500 ms)`);
    expect(res.statusCode).toBe(200);
    expect(res.json().warnings).toEqual([
      { supplier: 'duffel', code: 'timeout', message: expect.stringContaining('1500 ms') },
    ]);
    expect(res.json().offers.length).toBeGreaterThan(0);
    expect(ms).toBeLessThan(6000);
  });

  it('opens the circuit after repeated failures, skips Duffel while open, and closes after a good trial', async () => {
    // The breaker opens once half the searches in its rolling window failed (at least 3 of them);
    // earlier tests' successes are in that window too, so count the failing searches it takes.
    duffel.behaviour.failing = true;
    let failures = 0;
    while (t.services.flights.suppliers.circuit('duffel') !== 'open' && failures < 20) {
      const res = await search();
      expect(res.json().warnings[0]).toMatchObject({ supplier: 'duffel', code: 'unavailable' });
      failures += 1;
    }
    expect(t.services.flights.suppliers.circuit('duffel')).toBe('open');
    const breaker = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(breaker.json().checks['supplier:duffel']).toBe(false);
    expect(breaker.statusCode).toBe(200); // Duffel is not required for readiness here.
    const before = duffel.requests.length;
    const skipped = await search();
    expect(skipped.json().warnings).toEqual([
      { supplier: 'duffel', code: 'circuit_open', message: expect.any(String) },
    ]);
    expect(skipped.json().offers.length).toBeGreaterThan(0);
    expect(duffel.requests.length).toBe(before);
    duffel.behaviour.failing = false;
    await sleep(1600);
    const trial = await search();
    expect(trial.json().warnings).toEqual([]);
    expect(duffelOffers(trial.json().offers).length).toBe(2);
    expect(t.services.flights.suppliers.circuit('duffel')).toBe('closed');
  });

  it('maps Duffel’s documented error shapes', () => {
    const duffelError = (status: number, type: string, code: string) => ({
      meta: { status, request_id: 'r' },
      errors: [{ type, code, title: 't', message: 'm', documentation_url: 'u' }],
      headers: new Headers({ 'ratelimit-reset': new Date(Date.now() + 30_000).toUTCString() }),
    });
    expect(translateError(duffelError(422, 'invalid_state_error', 'offer_no_longer_available')).code).toBe(
      'offer_expired',
    );
    expect(translateError(duffelError(422, 'validation_error', 'invalid_passenger')).code).toBe('rejected');
    expect(translateError(duffelError(500, 'api_error', 'internal_server_error')).code).toBe('unavailable');
    const limited = translateError(duffelError(429, 'rate_limit_error', 'rate_limit_exceeded'));
    expect(limited.code).toBe('rate_limited');
    expect(limited.retryAfterSeconds).toBeGreaterThanOrEqual(29);
    expect(translateError(new Error('connect ECONNREFUSED')).code).toBe('unavailable');
    expect(toMinorUnits('245.60', 'EUR')).toBe(24560);
    expect(toMinorUnits('245.6', 'EUR')).toBe(24560);
    expect(toMinorUnits('31000', 'JPY')).toBe(31000);
    expect(toMinorUnits('12.345', 'KWD')).toBe(12345);
  });
});

describe('supplier health and readiness', () => {
  it('makes readiness fail when a required supplier is down, and only reports it otherwise', async () => {
    const duffel = await startFakeDuffel({ token: TOKEN });
    duffel.behaviour.failing = true;
    const env = { DUFFEL_ACCESS_TOKEN: TOKEN, DUFFEL_API_URL: duffel.url };
    const required = await createTestApp({ env: { ...env, FLIGHT_SUPPLIERS_REQUIRED: 'duffel' } });
    const optional = await createTestApp({ env });
    try {
      const a = await required.app.inject({ method: 'GET', url: '/health/ready' });
      expect(a.statusCode).toBe(503);
      expect(a.json().checks).toMatchObject({
        database: true,
        'supplier:own-schedule': true,
        'supplier:duffel': false,
      });
      const b = await optional.app.inject({ method: 'GET', url: '/health/ready' });
      expect(b.statusCode).toBe(200);
      expect(b.json().checks['supplier:duffel']).toBe(false);
      expect(duffel.requests.some((r) => r.path === '/air/airlines')).toBe(true);
    } finally {
      await required.close();
      await optional.close();
      await duffel.close();
    }
  });
});
