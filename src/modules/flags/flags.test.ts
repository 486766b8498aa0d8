import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  errorCode,
  type SignedIn,
  signInAdmin,
  signUp,
  type TestApp,
} from '../../../test/helpers/test-app.js';
import { bucket, evaluate } from './evaluate.js';

describe('feature flags', () => {
  let t: TestApp;
  let admin: SignedIn;
  let alice: SignedIn;
  let bob: SignedIn;

  beforeAll(async () => {
    // A long cache TTL: only invalidation on change can make updates visible in these tests.
    t = await createTestApp({ env: { FLAGS_CACHE_TTL: '10m' } });
    admin = await signInAdmin(t);
    alice = await signUp(t.app);
    bob = await signUp(t.app);
  });
  afterAll(() => t.close());

  const create = (body: Record<string, unknown>, who: SignedIn = admin) =>
    t.app.inject({ method: 'POST', url: '/feature-flags', headers: who.auth, payload: body });
  const patch = (key: string, body: Record<string, unknown>) =>
    t.app.inject({ method: 'PATCH', url: `/feature-flags/${key}`, headers: admin.auth, payload: body });
  const flagsFor = async (who?: SignedIn) => {
    const res = await t.app.inject({ method: 'GET', url: '/flags', ...(who && { headers: who.auth }) });
    expect(res.statusCode).toBe(200);
    return res.json() as { userId: string | null; flags: Record<string, boolean> };
  };

  it('ships the planner.llm flag, off', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/feature-flags/planner.llm', headers: admin.auth });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ key: 'planner.llm', type: 'release', enabled: false });
    expect((await flagsFor(alice)).flags['planner.llm']).toBe(false);
  });

  it('lets only admins manage flags', async () => {
    expect((await create({ key: 'x.y', type: 'release' }, alice)).statusCode).toBe(403);
    const anon = await t.app.inject({ method: 'GET', url: '/feature-flags' });
    expect(anon.statusCode).toBe(401);
    const list = await t.app.inject({ method: 'GET', url: '/feature-flags', headers: admin.auth });
    expect(list.statusCode).toBe(200);
    expect(list.json().flags.map((f: { key: string }) => f.key)).toContain('planner.llm');
  });

  it('creates, reads, changes and deletes a flag; duplicates are 409', async () => {
    const created = await create({
      key: 'search.new-ranking',
      type: 'experiment',
      description: 'New ranking',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ enabled: false, rolloutPercentage: 0, allowList: [] });
    const dup = await create({ key: 'search.new-ranking', type: 'release' });
    expect(dup.statusCode).toBe(409);
    expect(errorCode(dup)).toBe('flag_exists');
    const changed = await patch('search.new-ranking', { enabled: true, rolloutPercentage: 25 });
    expect(changed.json()).toMatchObject({ enabled: true, rolloutPercentage: 25 });
    const del = await t.app.inject({
      method: 'DELETE',
      url: '/feature-flags/search.new-ranking',
      headers: admin.auth,
    });
    expect(del.statusCode).toBe(204);
    const gone = await t.app.inject({
      method: 'GET',
      url: '/feature-flags/search.new-ranking',
      headers: admin.auth,
    });
    expect(gone.statusCode).toBe(404);
    expect(errorCode(gone)).toBe('flag_not_found');
  });

  it.each([
    [{ key: 'Bad Key', type: 'release' }, 'validation_failed'],
    [{ key: 'ok.key', type: 'rollout' }, 'validation_failed'],
    [{ key: 'ok.key', type: 'release', rolloutPercentage: 101 }, 'validation_failed'],
    [{ key: 'ok.key', type: 'release', allowList: ['not-a-uuid'] }, 'validation_failed'],
    [{ key: 'ok.key', type: 'kill-switch', rolloutPercentage: 50 }, 'flag_not_targetable'],
    [{ key: 'ok.key', type: 'operational', allowList: [randomUUID()] }, 'flag_not_targetable'],
  ])('refuses %j with 400 %s', async (body, code) => {
    const res = await create(body);
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe(code);
  });

  it('keeps global flags global in the database itself', async () => {
    await expect(
      t.db.database.pool.query(
        `INSERT INTO feature_flags (key, type, enabled, rollout_percentage) VALUES ('db.check', 'kill-switch', true, 10)`,
      ),
    ).rejects.toMatchObject({ constraint: 'feature_flags_global_check' });
  });

  it('evaluates for the current user, and a change takes effect at once despite the cache', async () => {
    expect((await create({ key: 'trips.sharing-v2', type: 'release' })).statusCode).toBe(201);
    expect((await flagsFor(alice)).flags['trips.sharing-v2']).toBe(false);
    await patch('trips.sharing-v2', { enabled: true, allowList: [alice.userId] });
    const forAlice = await flagsFor(alice);
    expect(forAlice).toMatchObject({ userId: alice.userId, flags: { 'trips.sharing-v2': true } });
    expect((await flagsFor(bob)).flags['trips.sharing-v2']).toBe(false);
    expect((await flagsFor()).flags['trips.sharing-v2']).toBe(false);
    await patch('trips.sharing-v2', { enabled: false });
    expect((await flagsFor(alice)).flags['trips.sharing-v2']).toBe(false);
    await patch('trips.sharing-v2', { enabled: true, rolloutPercentage: 100 });
    expect((await flagsFor()).flags['trips.sharing-v2']).toBe(true);
  });

  it('treats kill switches as on or off for everyone', async () => {
    expect((await create({ key: 'flights.duffel', type: 'kill-switch', enabled: true })).statusCode).toBe(
      201,
    );
    expect((await flagsFor()).flags['flights.duffel']).toBe(true);
    expect((await flagsFor(bob)).flags['flights.duffel']).toBe(true);
    await patch('flights.duffel', { enabled: false });
    expect((await flagsFor(bob)).flags['flights.duffel']).toBe(false);
  });

  it('is sticky per user and rolls out to about the asked share', async () => {
    const rule = {
      key: 'exp.a',
      type: 'experiment' as const,
      enabled: true,
      rolloutPercentage: 30,
      allowList: [],
    };
    const users = Array.from({ length: 4000 }, () => randomUUID());
    const first = users.map((u) => evaluate(rule, u));
    expect(users.map((u) => evaluate(rule, u))).toEqual(first);
    const share = first.filter(Boolean).length / users.length;
    expect(share).toBeGreaterThan(0.27);
    expect(share).toBeLessThan(0.33);
    // Raising the rollout only adds users: everyone in at 30 % stays in at 60 %.
    const wider = users.map((u) => evaluate({ ...rule, rolloutPercentage: 60 }, u));
    expect(first.every((on, i) => !on || wider[i])).toBe(true);
    // Different flags bucket the same user independently.
    const other = users.map((u) => bucket('exp.b', u) < 3000);
    const both = first.filter((on, i) => on && other[i]).length / users.length;
    expect(both).toBeGreaterThan(0.06);
    expect(both).toBeLessThan(0.12);
  });

  it('applies a partial rollout through the API the same way', async () => {
    expect(
      (await create({ key: 'exp.api', type: 'experiment', enabled: true, rolloutPercentage: 50 })).statusCode,
    ).toBe(201);
    const expected = bucket('exp.api', alice.userId) < 5000;
    for (let i = 0; i < 3; i++) expect((await flagsFor(alice)).flags['exp.api']).toBe(expected);
  });
});
