import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { check, expectStatus, type SmokeClient, type SmokeStepDef, StepFailure } from './checks.js';
import { TRAVEL_STEPS } from './travel.js';

/**
 * The post-deploy smoke test: health, readiness, signup, me, search near a point, book, read
 * back, cancel; then stays, flights and a trip (smoke-travel.ts). Each step is timed; the first
 * failure stops the run and is named.
 */
export interface SmokeStep {
  name: string;
  ok: boolean;
  ms: number;
  detail?: string;
}

export interface SmokeReport {
  url: string;
  ok: boolean;
  failedStep: string | null;
  steps: SmokeStep[];
  ms: number;
}

export interface SmokeOptions {
  lat?: number;
  lng?: number;
  timeoutMs?: number;
  /** Extra steps that later modules contribute, run after the core ones. */
  extraSteps?: SmokeStepDef[];
}

export { check, expectStatus, type SmokeClient, type SmokeStepDef } from './checks.js';

export const CORE_STEPS: SmokeStepDef[] = [
  {
    name: 'health',
    async run(c) {
      const res = await c.call('GET', '/health');
      expectStatus(res, 200, 'GET /health');
      check(res.json?.status === 'ok', 'GET /health: status is not "ok"');
    },
  },
  {
    name: 'ready',
    async run(c) {
      const res = await c.call('GET', '/health/ready');
      expectStatus(res, 200, 'GET /health/ready');
      check(
        res.json?.status === 'ready' || res.json?.status === 'degraded',
        'GET /health/ready: status is not "ready"',
      );
    },
  },
  {
    name: 'signup',
    async run(c) {
      const email = `smoke+${randomUUID()}@voyage.example`;
      const res = await c.call('POST', '/auth/signup', {
        email,
        password: `smoke-${randomUUID()}`,
        name: 'Smoke Test',
      });
      expectStatus(res, 201, 'POST /auth/signup');
      check(typeof res.json?.accessToken === 'string', 'POST /auth/signup: no accessToken in the body');
      c.state.email = email;
      c.state.token = res.json.accessToken;
    },
  },
  {
    name: 'me',
    async run(c) {
      const res = await c.call('GET', '/auth/me');
      expectStatus(res, 200, 'GET /auth/me');
      check(res.json?.email === c.state.email, 'GET /auth/me: not the user that signed up');
    },
  },
  {
    name: 'search',
    async run(c) {
      // A window far ahead and spread out, so that repeated runs do not collide.
      const start = Date.now() + 180 * 86_400_000 + Math.floor(Math.random() * 4000) * 3_600_000;
      c.state.pickup = new Date(start).toISOString();
      c.state.dropoff = new Date(start + 2 * 86_400_000).toISOString();
      const qs = new URLSearchParams({
        lat: String(c.state.lat),
        lng: String(c.state.lng),
        radiusKm: '25',
        pickup: c.state.pickup,
        dropoff: c.state.dropoff,
        limit: '20',
      });
      const res = await c.call('GET', `/search?${qs}`);
      expectStatus(res, 200, 'GET /search');
      check(
        Array.isArray(res.json?.cars) && res.json.cars.length > 0,
        `GET /search: no cars near ${c.state.lat},${c.state.lng}`,
      );
      c.state.carIds = res.json.cars.map((car: { id: string }) => car.id);
    },
  },
  {
    name: 'book',
    async run(c) {
      // The first free car may be taken by a concurrent client; try the next few.
      for (const carId of (c.state.carIds as string[]).slice(0, 5)) {
        const res = await c.call(
          'POST',
          '/bookings',
          { carId, pickupTime: c.state.pickup, dropoffTime: c.state.dropoff },
          { 'idempotency-key': randomUUID() },
        );
        if (res.status === 409) continue;
        expectStatus(res, 201, 'POST /bookings');
        c.state.bookingId = res.json.id;
        return;
      }
      throw new StepFailure('POST /bookings: every candidate car was taken');
    },
  },
  {
    name: 'read-back',
    async run(c) {
      const res = await c.call('GET', `/bookings/${c.state.bookingId}`);
      expectStatus(res, 200, 'GET /bookings/:id');
      check(
        res.json?.id === c.state.bookingId && res.json?.status === 'confirmed',
        'GET /bookings/:id: not the booking made',
      );
    },
  },
  {
    name: 'cancel',
    async run(c) {
      const res = await c.call('POST', `/bookings/${c.state.bookingId}/cancel`);
      expectStatus(res, 200, 'POST /bookings/:id/cancel');
      check(res.json?.status === 'cancelled', 'POST /bookings/:id/cancel: booking is not cancelled');
    },
  },
];

export async function runSmoke(baseUrl: string, opts: SmokeOptions = {}): Promise<SmokeReport> {
  const url = baseUrl.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const client: SmokeClient = {
    state: { lat: opts.lat ?? 37.7749, lng: opts.lng ?? -122.4194 },
    async call(method, path, body, headers = {}) {
      const res = await request(`${url}${path}`, {
        method: method as 'GET',
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(client.state.token ? { authorization: `Bearer ${client.state.token}` } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const text = await res.body.text();
      let json: unknown = text;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        /* keep the text */
      }
      return { status: res.statusCode, json };
    },
  };

  const started = Date.now();
  const steps: SmokeStep[] = [];
  for (const step of [...CORE_STEPS, ...TRAVEL_STEPS, ...(opts.extraSteps ?? [])]) {
    const t0 = Date.now();
    try {
      await step.run(client);
      steps.push({ name: step.name, ok: true, ms: Date.now() - t0 });
    } catch (err) {
      const detail = err instanceof StepFailure ? err.message : `${step.name}: ${(err as Error).message}`;
      steps.push({ name: step.name, ok: false, ms: Date.now() - t0, detail });
      return { url, ok: false, failedStep: step.name, steps, ms: Date.now() - started };
    }
  }
  return { url, ok: true, failedStep: null, steps, ms: Date.now() - started };
}
