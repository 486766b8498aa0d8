import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';

/**
 * A local stand-in for the Duffel API that answers with the JSON shapes, errors and rate-limit
 * responses Duffel documents (https://duffel.com/docs/api), for contract-testing Voyage's Duffel
 * adapter through the real @duffel/api client. It checks what the client sends as Duffel would.
 */

const AIRPORTS: Record<
  string,
  { name: string; city: string; tz: string; lat: number; lng: number; country: string }
> = {
  LHR: { name: 'Heathrow', city: 'London', tz: 'Europe/London', lat: 51.47, lng: -0.4543, country: 'GB' },
  CDG: {
    name: 'Paris Charles de Gaulle Airport',
    city: 'Paris',
    tz: 'Europe/Paris',
    lat: 49.0097,
    lng: 2.5479,
    country: 'FR',
  },
  JFK: {
    name: 'John F. Kennedy International Airport',
    city: 'New York',
    tz: 'America/New_York',
    lat: 40.6413,
    lng: -73.7781,
    country: 'US',
  },
};

const id = (prefix: string) => `${prefix}_0000${randomBytes(8).toString('hex')}`;

function place(code: string) {
  const a = AIRPORTS[code]!;
  return {
    type: 'airport',
    id: `arp_${code.toLowerCase()}_${a.country.toLowerCase()}`,
    iata_code: code,
    icao_code: null,
    name: a.name,
    city_name: a.city,
    iata_country_code: a.country,
    latitude: a.lat,
    longitude: a.lng,
    time_zone: a.tz,
  };
}

export interface DuffelRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: { data?: Record<string, unknown> } | undefined;
}

export interface FakeDuffelOptions {
  token: string;
}

export async function startFakeDuffel(opts: FakeDuffelOptions) {
  const requests: DuffelRequest[] = [];
  const offers = new Map<string, Record<string, unknown>>();
  const orders = new Map<string, Record<string, unknown>>();
  const cancellations = new Map<string, Record<string, unknown>>();
  const behaviour = {
    delayMs: 0,
    failing: false,
    rateLimited: 0,
    offerTtlMs: 20 * 60_000,
    price: '245.60',
    currency: 'EUR',
  };

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    const requestId = randomBytes(10).toString('base64url');
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': requestId, ...headers });
    res.end(JSON.stringify(body));
  }

  function error(
    res: ServerResponse,
    status: number,
    type: string,
    code: string,
    title: string,
    message: string,
    headers: Record<string, string> = {},
  ) {
    send(
      res,
      status,
      {
        meta: { status, request_id: randomBytes(10).toString('base64url') },
        errors: [
          {
            type,
            code,
            title,
            message,
            documentation_url: `https://duffel.com/docs/api/overview/errors#${code}`,
          },
        ],
      },
      headers,
    );
  }

  function makeOffer(
    slice: { origin: string; destination: string; departure_date: string },
    passengers: { id: string; type: string }[],
    cabin: string,
    hour: number,
    price: string,
  ) {
    const departing = DateTime.fromISO(`${slice.departure_date}T${String(hour).padStart(2, '0')}:15:00`, {
      zone: AIRPORTS[slice.origin]!.tz,
    });
    const arriving = departing.plus({ minutes: 75 }).setZone(AIRPORTS[slice.destination]!.tz);
    const local = (t: DateTime) => t.toFormat("yyyy-MM-dd'T'HH:mm:ss");
    const offer = {
      id: id('off'),
      live_mode: false,
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
      expires_at: new Date(Date.now() + behaviour.offerTtlMs).toISOString(),
      total_amount: price,
      total_currency: behaviour.currency,
      base_amount: price,
      base_currency: behaviour.currency,
      tax_amount: '0.00',
      tax_currency: behaviour.currency,
      total_emissions_kg: '90',
      owner: { id: 'arl_00009VME7DAGiJjwomhv32', name: 'British Airways', iata_code: 'BA' },
      passengers: passengers.map((p) => ({ id: p.id, type: p.type, age: null })),
      passenger_identity_documents_required: false,
      payment_requirements: {
        requires_instant_payment: false,
        price_guarantee_expires_at: null,
        payment_required_by: null,
      },
      slices: [
        {
          id: id('sli'),
          origin_type: 'airport',
          origin: place(slice.origin),
          destination_type: 'airport',
          destination: place(slice.destination),
          duration: 'PT1H15M',
          fare_brand_name: 'Basic',
          segments: [
            {
              id: id('seg'),
              origin: place(slice.origin),
              destination: place(slice.destination),
              departing_at: local(departing),
              arriving_at: local(arriving),
              duration: 'PT1H15M',
              marketing_carrier: {
                id: 'arl_00009VME7DAGiJjwomhv32',
                name: 'British Airways',
                iata_code: 'BA',
              },
              marketing_carrier_flight_number: String(300 + hour),
              operating_carrier: {
                id: 'arl_00009VME7DAGiJjwomhv32',
                name: 'British Airways',
                iata_code: 'BA',
              },
              operating_carrier_flight_number: String(300 + hour),
              aircraft: { id: 'arc_00009UhD4ongolulWd91Ky', name: 'Airbus A320', iata_code: '320' },
              distance: '344.1',
              passengers: passengers.map((p) => ({
                passenger_id: p.id,
                cabin_class: cabin,
                cabin_class_marketing_name: 'Economy',
                baggages: [],
              })),
            },
          ],
        },
      ],
      conditions: {},
      available_services: null,
    };
    offers.set(offer.id, offer);
    return offer;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = raw ? JSON.parse(raw) : undefined;
    requests.push({
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
    });

    if (behaviour.delayMs) await new Promise((r) => setTimeout(r, behaviour.delayMs));
    if (req.headers.authorization !== `Bearer ${opts.token}`)
      return error(
        res,
        401,
        'authentication_error',
        'invalid_authentication_credentials',
        'Invalid authentication credentials',
        'The access token used is not recognised by our system',
      );
    if (req.headers['duffel-version'] !== 'v2')
      return error(
        res,
        400,
        'invalid_request_error',
        'unsupported_version',
        'Unsupported version',
        'The Duffel-Version header is missing or not supported',
      );
    if (behaviour.rateLimited > 0) {
      behaviour.rateLimited -= 1;
      const reset = new Date(Date.now() + 7_000).toUTCString();
      return error(
        res,
        429,
        'rate_limit_error',
        'rate_limit_exceeded',
        'Rate limit exceeded',
        'You have exceeded the rate limit',
        {
          'ratelimit-limit': '60',
          'ratelimit-remaining': '0',
          'ratelimit-reset': reset,
        },
      );
    }
    if (behaviour.failing)
      return error(
        res,
        500,
        'api_error',
        'internal_server_error',
        'Internal server error',
        'Something went wrong',
      );

    const path = url.pathname.replace(/\/+$/, '');
    if (req.method === 'GET' && path === '/air/airlines') {
      return send(res, 200, {
        meta: { limit: Number(url.searchParams.get('limit') ?? 50), after: null, before: null },
        data: [{ id: 'arl_00009VME7DAGiJjwomhv32', name: 'British Airways', iata_code: 'BA' }],
      });
    }
    if (req.method === 'POST' && path === '/air/offer_requests') {
      const data = body?.data ?? {};
      const slices = data.slices as
        | { origin: string; destination: string; departure_date: string }[]
        | undefined;
      const passengers = data.passengers as { type: string }[] | undefined;
      if (
        !Array.isArray(slices) ||
        slices.length === 0 ||
        !Array.isArray(passengers) ||
        passengers.length === 0
      )
        return error(
          res,
          422,
          'validation_error',
          'invalid_request_format',
          'Invalid request',
          'slices and passengers are required',
        );
      const unknown = slices.flatMap((s) => [s.origin, s.destination]).find((c) => !AIRPORTS[c]);
      if (unknown)
        return error(
          res,
          422,
          'validation_error',
          'invalid_airport',
          'Invalid airport',
          `${unknown} is not a valid IATA airport code`,
        );
      const pax = passengers.map((p) => ({ id: id('pas'), type: p.type }));
      const cabin = String(data.cabin_class ?? 'economy');
      const made =
        url.searchParams.get('return_offers') === 'false'
          ? []
          : [
              makeOffer(slices[0]!, pax, cabin, 7, behaviour.price),
              makeOffer(slices[0]!, pax, cabin, 18, '310.00'),
            ];
      return send(res, 201, {
        data: {
          id: id('orq'),
          live_mode: false,
          created_at: new Date().toISOString(),
          cabin_class: cabin,
          slices,
          passengers: pax,
          offers: made,
        },
      });
    }
    const offerMatch = /^\/air\/offers\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && offerMatch) {
      const offer = offers.get(offerMatch[1]!);
      if (!offer)
        return error(
          res,
          404,
          'invalid_request_error',
          'not_found',
          'Not found',
          'The resource you are trying to access does not exist.',
        );
      return send(res, 200, { data: offer });
    }
    if (req.method === 'POST' && path === '/air/orders') {
      const data = body?.data ?? {};
      const offer = offers.get((data.selected_offers as string[] | undefined)?.[0] ?? '');
      if (!offer)
        return error(
          res,
          404,
          'invalid_request_error',
          'not_found',
          'Not found',
          'The offer does not exist.',
        );
      if (new Date(offer.expires_at as string) <= new Date())
        return error(
          res,
          422,
          'invalid_state_error',
          'offer_no_longer_available',
          'Offer no longer available',
          'The requested offer is no longer available, please search again',
        );
      const wanted = (offer.passengers as { id: string }[]).map((p) => p.id).sort();
      const given =
        (data.passengers as {
          id: string;
          given_name?: string;
          family_name?: string;
          born_on?: string;
          email?: string;
          phone_number?: string;
          title?: string;
          gender?: string;
        }[]) ?? [];
      const complete = given.every(
        (p) => p.given_name && p.family_name && p.born_on && p.email && p.phone_number && p.title && p.gender,
      );
      if (JSON.stringify(given.map((p) => p.id).sort()) !== JSON.stringify(wanted) || !complete)
        return error(
          res,
          422,
          'validation_error',
          'invalid_passenger',
          'Invalid passenger',
          'Passengers must match the offer and be complete',
        );
      const payment = (
        data.payments as { amount: string; currency: string; type: string }[] | undefined
      )?.[0];
      if (!payment || payment.amount !== offer.total_amount || payment.currency !== offer.total_currency)
        return error(
          res,
          422,
          'validation_error',
          'invalid_payment_amount',
          'Invalid payment',
          'The payment amount must equal the offer total',
        );
      const order = {
        id: id('ord'),
        live_mode: false,
        booking_reference: randomBytes(3).toString('hex').toUpperCase(),
        total_amount: offer.total_amount,
        total_currency: offer.total_currency,
        slices: offer.slices,
        passengers: given,
        created_at: new Date().toISOString(),
        cancelled_at: null,
        type: data.type,
      };
      orders.set(order.id, order);
      offers.delete(offer.id as string);
      return send(res, 201, { data: order });
    }
    if (req.method === 'POST' && path === '/air/order_cancellations') {
      const order = orders.get(String(body?.data?.order_id ?? ''));
      if (!order)
        return error(
          res,
          404,
          'invalid_request_error',
          'not_found',
          'Not found',
          'The order does not exist.',
        );
      const c = {
        id: id('ore'),
        order_id: order.id,
        live_mode: false,
        refund_amount: order.total_amount,
        refund_currency: order.total_currency,
        refund_to: 'balance',
        expires_at: new Date(Date.now() + 10 * 60_000).toISOString(),
        confirmed_at: null as string | null,
        created_at: new Date().toISOString(),
      };
      cancellations.set(c.id, c);
      return send(res, 201, { data: c });
    }
    const confirmMatch = /^\/air\/order_cancellations\/([^/]+)\/actions\/confirm$/.exec(path);
    if (req.method === 'POST' && confirmMatch) {
      const c = cancellations.get(confirmMatch[1]!);
      if (!c)
        return error(
          res,
          404,
          'invalid_request_error',
          'not_found',
          'Not found',
          'The cancellation does not exist.',
        );
      c.confirmed_at = new Date().toISOString();
      const order = orders.get(c.order_id as string);
      if (order) order.cancelled_at = c.confirmed_at;
      return send(res, 200, { data: c });
    }
    return error(
      res,
      404,
      'invalid_request_error',
      'not_found',
      'Not found',
      `No route ${req.method} ${path}`,
    );
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    offers,
    orders,
    cancellations,
    behaviour,
    /** Makes an offer expire at Duffel (its expires_at moves into the past). */
    expire(offerId: string) {
      const o = offers.get(offerId);
      if (o) o.expires_at = new Date(Date.now() - 1000).toISOString();
    },
    reset() {
      Object.assign(behaviour, {
        delayMs: 0,
        failing: false,
        rateLimited: 0,
        offerTtlMs: 20 * 60_000,
        price: '245.60',
        currency: 'EUR',
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type FakeDuffel = Awaited<ReturnType<typeof startFakeDuffel>>;
