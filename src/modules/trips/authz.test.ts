import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  errorCode,
  type SignedIn,
  signInAdmin,
  signUpVerified,
  type TestApp,
} from '../../../test/helpers/test-app.js';
import { buildPoi, dateIn } from '../../../test/helpers/travel-factories.js';

/**
 * Who may do what on a trip, for every endpoint under /trips/:id (trips, itinerary and exports
 * modules): owner and admin everything; editors read and change; viewers read; strangers see
 * nothing (404, so that trip ids do not leak); without a token, 401.
 */
type Role = 'owner' | 'editor' | 'viewer' | 'stranger' | 'admin' | 'anonymous';
type Level = 'read' | 'edit' | 'manage';

interface Fixture {
  tripId: string;
  itemId: string;
  collaboratorId: string;
}

interface Endpoint {
  name: string;
  level: Level;
  ok: number;
  request: (f: Fixture) => { method: string; url: string; payload?: Record<string, unknown> };
  /** Set-up the acting user needs first (when allowed at all). */
  before?: (f: Fixture, who: SignedIn) => Promise<void>;
}

const ENDPOINTS: Endpoint[] = [
  {
    name: 'GET trip',
    level: 'read',
    ok: 200,
    request: (f) => ({ method: 'GET', url: `/trips/${f.tripId}` }),
  },
  {
    name: 'GET items',
    level: 'read',
    ok: 200,
    request: (f) => ({ method: 'GET', url: `/trips/${f.tripId}/items` }),
  },
  {
    name: 'GET collaborators',
    level: 'read',
    ok: 200,
    request: (f) => ({ method: 'GET', url: `/trips/${f.tripId}/collaborators` }),
  },
  {
    name: 'GET plan',
    level: 'read',
    ok: 200,
    request: (f) => ({ method: 'GET', url: `/trips/${f.tripId}/plan` }),
  },
  {
    name: 'GET calendar.ics',
    level: 'read',
    ok: 200,
    request: (f) => ({ method: 'GET', url: `/trips/${f.tripId}/calendar.ics` }),
  },
  {
    name: 'GET itinerary.pdf',
    level: 'read',
    ok: 200,
    request: (f) => ({ method: 'GET', url: `/trips/${f.tripId}/itinerary.pdf` }),
  },
  {
    name: 'POST calendar-feed',
    level: 'read',
    ok: 201,
    request: (f) => ({ method: 'POST', url: `/trips/${f.tripId}/calendar-feed` }),
  },
  {
    name: 'DELETE calendar-feed',
    level: 'read',
    ok: 204,
    request: (f) => ({ method: 'DELETE', url: `/trips/${f.tripId}/calendar-feed` }),
    before: async (f, who) => {
      await app().inject({ method: 'POST', url: `/trips/${f.tripId}/calendar-feed`, headers: who.auth });
    },
  },
  {
    name: 'PATCH trip',
    level: 'edit',
    ok: 200,
    request: (f) => ({ method: 'PATCH', url: `/trips/${f.tripId}`, payload: { name: 'Renamed' } }),
  },
  {
    name: 'POST status',
    level: 'edit',
    ok: 200,
    request: (f) => ({ method: 'POST', url: `/trips/${f.tripId}/status`, payload: { status: 'planning' } }),
  },
  {
    name: 'POST items',
    level: 'edit',
    ok: 201,
    request: (f) => ({
      method: 'POST',
      url: `/trips/${f.tripId}/items`,
      payload: { kind: 'note', title: 'Hi', body: 'There' },
    }),
  },
  {
    name: 'DELETE item',
    level: 'edit',
    ok: 204,
    request: (f) => ({ method: 'DELETE', url: `/trips/${f.tripId}/items/${f.itemId}` }),
  },
  {
    name: 'POST plan',
    level: 'edit',
    ok: 201,
    request: (f) => ({ method: 'POST', url: `/trips/${f.tripId}/plan`, payload: {} }),
  },
  {
    name: 'POST collaborators',
    level: 'manage',
    ok: 201,
    request: (f) => ({
      method: 'POST',
      url: `/trips/${f.tripId}/collaborators`,
      payload: { email: 'new.friend@example.com', role: 'viewer' },
    }),
  },
  {
    name: 'DELETE collaborator',
    level: 'manage',
    ok: 204,
    request: (f) => ({ method: 'DELETE', url: `/trips/${f.tripId}/collaborators/${f.collaboratorId}` }),
  },
  {
    name: 'DELETE trip',
    level: 'manage',
    ok: 204,
    request: (f) => ({ method: 'DELETE', url: `/trips/${f.tripId}` }),
  },
];

const ALLOWED: Record<Role, Level[]> = {
  owner: ['read', 'edit', 'manage'],
  admin: ['read', 'edit', 'manage'],
  editor: ['read', 'edit'],
  viewer: ['read'],
  stranger: [],
  anonymous: [],
};

let t: TestApp;
const app = () => t.app;

describe('trip authorisation matrix', () => {
  const users = {} as Record<Exclude<Role, 'anonymous'>, SignedIn>;

  beforeAll(async () => {
    t = await createTestApp();
    users.owner = await signUpVerified(t);
    users.editor = await signUpVerified(t);
    users.viewer = await signUpVerified(t);
    users.stranger = await signUpVerified(t);
    users.admin = await signInAdmin(t);
    await buildPoi(t.services, { city: 'Paris', name: 'Louvre' });
    await buildPoi(t.services, { city: 'Paris', name: 'Orsay', lat: 48.86, lng: 2.3266 });
  });
  afterAll(() => t.close());

  /** A fresh trip per case: the owner's, shared with an editor and a viewer, with a note and a plan. */
  async function fixture(): Promise<Fixture> {
    const owner = users.owner.auth;
    const inject = (method: string, url: string, payload?: Record<string, unknown>) =>
      t.app.inject({ method: method as 'GET', url, headers: owner, payload });
    const trip = (
      await inject('POST', '/trips', {
        name: 'Matrix',
        destination: 'Paris',
        startDate: dateIn(10),
        endDate: dateIn(11),
      })
    ).json();
    await inject('POST', `/trips/${trip.id}/collaborators`, { email: users.editor.email, role: 'editor' });
    await inject('POST', `/trips/${trip.id}/collaborators`, { email: users.viewer.email, role: 'viewer' });
    const extra = (
      await inject('POST', `/trips/${trip.id}/collaborators`, {
        email: 'someone@example.com',
        role: 'viewer',
      })
    ).json();
    const item = (
      await inject('POST', `/trips/${trip.id}/items`, { kind: 'note', title: 'Note', body: 'Body' })
    ).json();
    expect((await inject('POST', `/trips/${trip.id}/plan`, {})).statusCode).toBe(201);
    return { tripId: trip.id, itemId: item.id, collaboratorId: extra.id };
  }

  const roles: Role[] = ['owner', 'editor', 'viewer', 'stranger', 'admin', 'anonymous'];
  const cases = ENDPOINTS.flatMap((e) => roles.map((r) => [e.name, r, e] as const));

  it.each(cases)('%s as %s', async (_name, role, endpoint) => {
    const f = await fixture();
    const who = role === 'anonymous' ? undefined : users[role];
    const allowed = ALLOWED[role].includes(endpoint.level);
    if (allowed && who && endpoint.before) await endpoint.before(f, who);
    const req = endpoint.request(f);
    const res = await t.app.inject({
      method: req.method as 'GET',
      url: req.url,
      payload: req.payload,
      ...(who && { headers: who.auth }),
    });
    if (role === 'anonymous') {
      expect(res.statusCode).toBe(401);
      expect(errorCode(res)).toBe('unauthorized');
    } else if (role === 'stranger') {
      expect(res.statusCode).toBe(404);
      expect(errorCode(res)).toBe('trip_not_found');
    } else if (allowed) {
      expect(res.statusCode, res.body).toBe(endpoint.ok);
    } else {
      expect(res.statusCode).toBe(403);
      expect(errorCode(res)).toBe('trip_forbidden');
    }
  });

  it('covers every route under /trips/:id, as OpenAPI lists them', () => {
    const spec = t.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const served = Object.entries(spec.paths)
      .filter(([path]) => path.startsWith('/trips/{id}'))
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const tested = ENDPOINTS.map((e) => {
      const r = e.request({ tripId: '{id}', itemId: '{itemId}', collaboratorId: '{collaboratorId}' });
      return `${r.method} ${r.url}`;
    });
    expect(served.length).toBe(16);
    expect([...served].sort()).toEqual([...tested].sort());
  });
});
