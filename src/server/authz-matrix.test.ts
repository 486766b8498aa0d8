// Over 300 lines: one table of every protected endpoint, each checked for every kind of caller.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  type SignedIn,
  signInAdmin,
  signUp,
  type TestApp,
} from '../../test/helpers/test-app.js';

/**
 * Who may call the account and admin operations: without a token 401; a customer may use the
 * operations on their own account and gets 403 on admin ones; an admin may use both. (Operations
 * under /trips/:id have their own matrix in modules/trips/authz.test.ts.)
 */
type Level = 'public' | 'user' | 'admin';

interface Endpoint {
  name: string;
  level: Level;
  ok: number;
  /** Where one actor's answer differs for a reason of its own (e.g. admins already have MFA on). */
  okFor?: Record<string, number>;
  request: (f: Fixture) => {
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    url: string;
    payload?: object;
  };
}

interface Fixture {
  /** A fresh account each acting user may act upon. */
  targetId: string;
  /** The acting user's password. */
  password: string;
}

const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

const ENDPOINTS: Endpoint[] = [
  {
    name: 'POST /auth/password',
    level: 'user',
    ok: 204,
    request: (f) => ({
      method: 'POST',
      url: '/auth/password',
      payload: { currentPassword: f.password, newPassword: `${f.password} and more` },
    }),
  },
  {
    name: 'PATCH /auth/me',
    level: 'user',
    ok: 200,
    request: () => ({ method: 'PATCH', url: '/auth/me', payload: { name: 'Renamed' } }),
  },
  {
    name: 'DELETE /auth/me',
    level: 'user',
    ok: 204,
    request: (f) => ({ method: 'DELETE', url: '/auth/me', payload: { currentPassword: f.password } }),
  },
  {
    name: 'POST /auth/verify-email/request',
    level: 'user',
    ok: 202,
    request: () => ({ method: 'POST', url: '/auth/verify-email/request' }),
  },
  {
    name: 'POST /auth/mfa/setup',
    level: 'user',
    ok: 200,
    okFor: { admin: 409 },
    request: () => ({ method: 'POST', url: '/auth/mfa/setup' }),
  },
  {
    name: 'POST /auth/mfa/enable',
    level: 'user',
    ok: 409,
    request: () => ({ method: 'POST', url: '/auth/mfa/enable', payload: { code: '123456' } }),
  },
  {
    name: 'POST /auth/mfa/disable',
    level: 'user',
    ok: 409,
    request: () => ({ method: 'POST', url: '/auth/mfa/disable', payload: { code: '123456' } }),
  },
  {
    name: 'POST /auth/password-reset/request',
    level: 'public',
    ok: 202,
    request: () => ({
      method: 'POST',
      url: '/auth/password-reset/request',
      payload: { email: 'x@example.com' },
    }),
  },
  {
    name: 'POST /auth/password-reset',
    level: 'public',
    ok: 400,
    request: () => ({
      method: 'POST',
      url: '/auth/password-reset',
      payload: { token: 'not-a-real-token', newPassword: 'brand new secret phrase' },
    }),
  },
  {
    name: 'POST /auth/verify-email',
    level: 'public',
    ok: 400,
    request: () => ({ method: 'POST', url: '/auth/verify-email', payload: { token: 'not-a-real-token' } }),
  },
  {
    name: 'GET /account/export',
    level: 'user',
    ok: 200,
    request: () => ({ method: 'GET', url: '/account/export' }),
  },
  { name: 'GET /audit', level: 'admin', ok: 200, request: () => ({ method: 'GET', url: '/audit?limit=5' }) },
  { name: 'GET /users', level: 'admin', ok: 200, request: () => ({ method: 'GET', url: '/users?q=a' }) },
  {
    name: 'GET /users/:id',
    level: 'admin',
    ok: 200,
    request: (f) => ({ method: 'GET', url: `/users/${f.targetId}` }),
  },
  {
    name: 'PUT /users/:id/role',
    level: 'admin',
    ok: 200,
    request: (f) => ({ method: 'PUT', url: `/users/${f.targetId}/role`, payload: { role: 'customer' } }),
  },
  {
    name: 'POST /users/:id/disable',
    level: 'admin',
    ok: 200,
    request: (f) => ({ method: 'POST', url: `/users/${f.targetId}/disable` }),
  },
  {
    name: 'POST /users/:id/enable',
    level: 'admin',
    ok: 200,
    request: (f) => ({ method: 'POST', url: `/users/${f.targetId}/enable` }),
  },
  {
    name: 'GET /notifications/outbox',
    level: 'admin',
    ok: 200,
    request: () => ({ method: 'GET', url: '/notifications/outbox' }),
  },
  {
    name: 'GET /notifications/outbox/:id',
    level: 'admin',
    ok: 404,
    request: () => ({ method: 'GET', url: '/notifications/outbox/00000000-0000-4000-8000-000000000000' }),
  },
  {
    // Without running background jobs the test app answers 503 jobs_unavailable once past the role check.
    name: 'POST /notifications/dead-letters/retry-all',
    level: 'admin',
    ok: 503,
    request: () => ({ method: 'POST', url: '/notifications/dead-letters/retry-all' }),
  },
  {
    // Retiring answers 409 car_has_future_bookings for a car still booked; an unknown car is 404.
    name: 'DELETE /cars/:id',
    level: 'admin',
    ok: 404,
    request: () => ({ method: 'DELETE', url: '/cars/00000000-0000-4000-8000-000000000000' }),
  },
  {
    name: 'GET /cars',
    level: 'admin',
    ok: 200,
    request: () => ({ method: 'GET', url: '/cars?limit=5' }),
  },
  {
    name: 'GET /cars/:id/upcoming-bookings',
    level: 'admin',
    ok: 404,
    request: () => ({ method: 'GET', url: '/cars/00000000-0000-4000-8000-000000000000/upcoming-bookings' }),
  },
  {
    name: 'POST /cars/:id/retire',
    level: 'admin',
    ok: 404,
    request: () => ({
      method: 'POST',
      url: '/cars/00000000-0000-4000-8000-000000000000/retire',
      payload: { cancelBookings: [] },
    }),
  },
  {
    name: 'GET /stays/properties',
    level: 'admin',
    ok: 200,
    request: () => ({ method: 'GET', url: '/stays/properties' }),
  },
  {
    // An unknown room type is 404 for an admin; what matters here is who gets past the door.
    name: 'PUT /stays/room-types/:id/inventory',
    level: 'admin',
    ok: 404,
    request: () => ({
      method: 'PUT',
      url: '/stays/room-types/00000000-0000-4000-8000-000000000000/inventory',
      payload: { from: '2030-01-01', to: '2030-01-02', rooms: 1 },
    }),
  },
  {
    name: 'GET /stays/room-types/:id/inventory',
    level: 'admin',
    ok: 404,
    request: () => ({
      method: 'GET',
      url: '/stays/room-types/00000000-0000-4000-8000-000000000000/inventory?from=2030-01-01&to=2030-01-02',
    }),
  },
  {
    name: 'GET /flights/routes',
    level: 'admin',
    ok: 200,
    request: () => ({ method: 'GET', url: '/flights/routes' }),
  },
  {
    name: 'GET /flights/routes/:id/departures',
    level: 'admin',
    ok: 404,
    request: () => ({
      method: 'GET',
      url: '/flights/routes/00000000-0000-4000-8000-000000000000/departures',
    }),
  },
  {
    name: 'GET /admin/backups',
    level: 'admin',
    ok: 200,
    request: () => ({ method: 'GET', url: '/admin/backups' }),
  },
  {
    // Without running background jobs the test app answers 503 jobs_unavailable once past the role check.
    name: 'POST /admin/backups',
    level: 'admin',
    ok: 503,
    request: () => ({ method: 'POST', url: '/admin/backups', payload: { verify: true } }),
  },
  {
    name: 'POST /admin/backups/:id/verify',
    level: 'admin',
    ok: 404,
    request: () => ({ method: 'POST', url: '/admin/backups/20200101T000000Z-abcd/verify' }),
  },
  {
    name: 'GET /admin/backups/operations/:id',
    level: 'admin',
    ok: 404,
    request: () => ({ method: 'GET', url: '/admin/backups/operations/00000000-0000-4000-8000-000000000000' }),
  },
  // Releases: no release state on the test host, so no release is in progress (409).
  {
    name: 'GET /admin/releases',
    level: 'admin',
    ok: 200,
    request: () => ({ method: 'GET', url: '/admin/releases' }),
  },
  {
    name: 'GET /admin/releases/:id/timeline',
    level: 'admin',
    ok: 404,
    request: () => ({ method: 'GET', url: '/admin/releases/20261201T100000-aaa111/timeline' }),
  },
  {
    name: 'POST /admin/releases/promote',
    level: 'admin',
    ok: 409,
    request: () => ({ method: 'POST', url: '/admin/releases/promote' }),
  },
  {
    name: 'POST /admin/releases/abort',
    level: 'admin',
    ok: 409,
    request: () => ({ method: 'POST', url: '/admin/releases/abort' }),
  },
  // Checkout: a customer and an admin reach the operation (no such checkout: 404; a bad body: 400).
  {
    name: 'GET /checkout/config',
    level: 'public',
    ok: 200,
    request: () => ({ method: 'GET', url: '/checkout/config' }),
  },
  {
    name: 'POST /checkout/holds',
    level: 'user',
    ok: 400,
    request: () => ({ method: 'POST', url: '/checkout/holds', payload: { kind: 'car', booking: {} } }),
  },
  {
    name: 'GET /checkout/:kind/:id',
    level: 'user',
    ok: 404,
    request: () => ({ method: 'GET', url: `/checkout/car/${NO_SUCH_ID}` }),
  },
  {
    name: 'POST /checkout/:kind/:id/pay',
    level: 'user',
    ok: 404,
    request: () => ({ method: 'POST', url: `/checkout/stay/${NO_SUCH_ID}/pay`, payload: {} }),
  },
  {
    name: 'GET /checkout/:kind/:id/cancellation',
    level: 'user',
    ok: 404,
    request: () => ({ method: 'GET', url: `/checkout/flight/${NO_SUCH_ID}/cancellation` }),
  },
  {
    name: 'POST /checkout/:kind/:id/cancel',
    level: 'user',
    ok: 404,
    request: () => ({ method: 'POST', url: `/checkout/car/${NO_SUCH_ID}/cancel` }),
  },
  {
    // Public, and answered by signature alone: unsigned is 400 whoever calls.
    name: 'POST /payments/webhooks/stripe',
    level: 'public',
    ok: 400,
    request: () => ({ method: 'POST', url: '/payments/webhooks/stripe', payload: { id: 'evt_1' } }),
  },
  // The console's overview.
  {
    name: 'GET /admin/overview',
    level: 'admin',
    ok: 200,
    request: () => ({ method: 'GET', url: '/admin/overview' }),
  },
  {
    name: 'GET /admin/metrics/history',
    level: 'admin',
    ok: 200,
    request: () => ({ method: 'GET', url: '/admin/metrics/history?window=15m' }),
  },
];

describe('authorisation matrix: accounts and admin', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const actors: Record<string, (t: TestApp) => Promise<{ who?: SignedIn; password: string }>> = {
    anonymous: async () => ({ password: 'x' }),
    customer: async (t) => ({ who: await signUp(t.app), password: 'correct horse battery' }),
    admin: async (t) => ({ who: await signInAdmin(t), password: 'admin password 123' }),
  };
  const expected = (actor: string, e: Endpoint) =>
    e.level === 'public'
      ? e.ok
      : actor === 'anonymous'
        ? 401
        : actor === 'customer' && e.level === 'admin'
          ? 403
          : (e.okFor?.[actor] ?? e.ok);

  for (const e of ENDPOINTS) {
    for (const actor of Object.keys(actors)) {
      it(`${e.name} as ${actor} → ${expected(actor, e)}`, async () => {
        const { who, password } = await actors[actor]!(t);
        const target = await signUp(t.app);
        const req = e.request({ targetId: target.userId, password });
        const res = await t.app.inject({
          method: req.method,
          url: req.url,
          headers: who ? who.auth : {},
          ...(req.payload ? { payload: req.payload } : {}),
        });
        expect(res.statusCode, res.body).toBe(expected(actor, e));
      });
    }
  }

  it('every operation in the OpenAPI document that these cover is listed', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const e of ENDPOINTS) {
      const [method, path] = e.name.split(' ') as [string, string];
      const openApiPath = path.replace(/:(\w+)/g, '{$1}');
      expect(spec.paths[openApiPath]?.[method.toLowerCase()], e.name).toBeDefined();
    }
  });
});
