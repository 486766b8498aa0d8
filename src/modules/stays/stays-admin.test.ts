import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  errorCode,
  type SignedIn,
  signInAdmin,
  signUp,
  type TestApp,
} from '../../../test/helpers/test-app.js';
import { buildProperty, buildRoomType, dateIn } from '../../../test/helpers/travel-factories.js';

/** The operator console's room inventory: the property list and audited, refused-when-booked edits. */
describe('stays administration', () => {
  let t: TestApp;
  let admin: SignedIn;
  let guest: SignedIn;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await signInAdmin(t);
    guest = await signUp(t.app);
  });
  afterAll(() => t.close());

  it('lists properties with their room types, for admins only', async () => {
    const p = await buildProperty(t.services, { name: 'Harbour Inn', city: 'Hobart', country: 'AU' });
    const rt = await buildRoomType(t.services, p.id);
    const res = await t.app.inject({
      method: 'GET',
      url: '/stays/properties?city=Hobart',
      headers: admin.auth,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().properties).toEqual([
      expect.objectContaining({
        id: p.id,
        name: 'Harbour Inn',
        roomTypes: [expect.objectContaining({ id: rt.id })],
      }),
    ]);
    const cust = await t.app.inject({ method: 'GET', url: '/stays/properties', headers: guest.auth });
    expect(cust.statusCode).toBe(403);
    const anon = await t.app.inject({ method: 'GET', url: '/stays/properties' });
    expect(anon.statusCode).toBe(401);
    const bad = await t.app.inject({ method: 'GET', url: '/stays/properties?limit=0', headers: admin.auth });
    expect(bad.statusCode).toBe(400);
  });

  it('audits an inventory edit, and refuses one below what is booked, naming the nights', async () => {
    const p = await buildProperty(t.services);
    const rt = await buildRoomType(t.services, p.id);
    const put = (from: number, to: number, rooms: number) =>
      t.app.inject({
        method: 'PUT',
        url: `/stays/room-types/${rt.id}/inventory`,
        headers: admin.auth,
        payload: { from: dateIn(from), to: dateIn(to), rooms },
      });
    expect((await put(10, 13, 3)).json()).toEqual({ nights: 3 });
    const booked = await t.app.inject({
      method: 'POST',
      url: '/stay-bookings',
      headers: guest.auth,
      payload: { roomTypeId: rt.id, checkIn: dateIn(11), checkOut: dateIn(12), guests: 1 },
    });
    expect(booked.statusCode, booked.body).toBe(201);

    const refused = await put(10, 13, 0);
    expect(refused.statusCode).toBe(409);
    expect(errorCode(refused)).toBe('rooms_below_booked');
    expect(refused.json().error.details).toEqual({ nights: [{ night: dateIn(11), booked: 1 }] });
    expect(refused.json().error.message).toContain(dateIn(11));
    // Nothing changed, not even on the nights that could have gone to 0.
    const nights = await t.app.inject({
      method: 'GET',
      url: `/stays/room-types/${rt.id}/inventory?from=${dateIn(10)}&to=${dateIn(13)}`,
      headers: admin.auth,
    });
    expect(nights.json().nights.map((n: { rooms: number }) => n.rooms)).toEqual([3, 3, 3]);

    expect((await put(11, 12, 1)).statusCode).toBe(200);
    const { rows } = await t.db.database.pool.query(
      'SELECT action, actor_id, details FROM audit_log WHERE subject = $1 AND actor_id = $2 ORDER BY id',
      [`room_type:${rt.id}`, admin.userId],
    );
    expect(rows).toEqual([
      expect.objectContaining({
        action: 'inventory.set',
        actor_id: admin.userId,
        details: expect.objectContaining({ rooms: 3 }),
      }),
      expect.objectContaining({
        action: 'inventory.set',
        details: expect.objectContaining({ from: dateIn(11), rooms: 1 }),
      }),
    ]);
  });
});
