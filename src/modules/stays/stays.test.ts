// Over 300 lines: the stays API suite (search, booking, inventory, contention) shares one app.
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

describe('stays', () => {
  let t: TestApp;
  let alice: SignedIn;
  let bob: SignedIn;
  let admin: SignedIn;

  beforeAll(async () => {
    t = await createTestApp();
    alice = await signUp(t.app);
    bob = await signUp(t.app);
    admin = await signInAdmin(t);
  });
  afterAll(() => t.close());

  const book = (who: SignedIn, body: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/stay-bookings', headers: who.auth, payload: body });
  const inventory = async (roomTypeId: string, from: string, to: string) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/stays/room-types/${roomTypeId}/inventory?from=${from}&to=${to}`,
      headers: admin.auth,
    });
    expect(res.statusCode).toBe(200);
    return res.json().nights as { night: string; rooms: number; booked: number; rate: number }[];
  };

  describe('search', () => {
    // Somewhere no other test puts properties, so that results are exactly these.
    const lat = -41.2865;
    const lng = 174.7762;
    let near: string;
    let far: string;
    let full: string;
    let suiteId: string;

    beforeAll(async () => {
      const nearP = await buildProperty(t.services, {
        name: 'Near Hotel',
        city: 'Wellington',
        lat,
        lng: lng + 0.01,
        country: 'NZ',
        timeZone: 'Pacific/Auckland',
        currency: 'NZD',
      });
      const farP = await buildProperty(t.services, {
        name: 'Far Hotel',
        city: 'Wellington',
        lat: lat + 0.05,
        lng,
        country: 'NZ',
        timeZone: 'Pacific/Auckland',
        currency: 'NZD',
      });
      const fullP = await buildProperty(t.services, {
        name: 'Full Hotel',
        city: 'Wellington',
        lat,
        lng,
        country: 'NZ',
        timeZone: 'Pacific/Auckland',
        currency: 'NZD',
      });
      near = nearP.id;
      far = farP.id;
      full = fullP.id;
      const double = await buildRoomType(t.services, near, { nightlyRate: 10000, rooms: 3 });
      const suite = await buildRoomType(t.services, near, {
        name: 'Family suite',
        maxGuests: 4,
        nightlyRate: 25000,
        rooms: 1,
      });
      suiteId = suite.id;
      // A dearer Saturday-style night in the middle of the stay.
      await t.services.stays.setInventory(double.id, {
        from: dateIn(31),
        to: dateIn(32),
        rooms: 3,
        rate: 15000,
      });
      await buildRoomType(t.services, far, { nightlyRate: 8000, rooms: 2 });
      await buildRoomType(t.services, full, { nightlyRate: 5000, rooms: 0 });
    });

    it('finds properties near a point with a room type free every night, with the total price', async () => {
      const res = await t.app.inject({
        method: 'GET',
        url: `/stays/search?lat=${lat}&lng=${lng}&checkIn=${dateIn(30)}&checkOut=${dateIn(33)}&guests=2`,
      });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.nights).toBe(3);
      expect(body.properties.map((p: { id: string }) => p.id)).toEqual([near, far]);
      const [n, f] = body.properties;
      expect(n.distanceKm).toBeLessThan(f.distanceKm);
      expect(n.roomTypes.map((r: { name: string; total: number }) => [r.name, r.total])).toEqual([
        ['Double room', 10000 + 15000 + 10000],
        ['Family suite', 75000],
      ]);
      expect(n.fromTotal).toBe(35000);
      expect(f.fromTotal).toBe(24000);
      expect(n).toMatchObject({ timeZone: 'Pacific/Auckland', currency: 'NZD', checkInTime: '15:00' });
    });

    it('leaves out room types too small for the party, and searches by city', async () => {
      const res = await t.app.inject({
        method: 'GET',
        url: `/stays/search?city=wellington&checkIn=${dateIn(30)}&checkOut=${dateIn(31)}&guests=3`,
      });
      const body = res.json();
      expect(body.properties.map((p: { id: string }) => p.id)).toEqual([near]);
      expect(body.properties[0].roomTypes.map((r: { id: string }) => r.id)).toEqual([suiteId]);
      expect(body.properties[0].distanceKm).toBeNull();
    });

    it('leaves out a room type once one night of the stay is full', async () => {
      expect(
        (await book(alice, { roomTypeId: suiteId, checkIn: dateIn(40), checkOut: dateIn(41), guests: 4 }))
          .statusCode,
      ).toBe(201);
      const res = await t.app.inject({
        method: 'GET',
        url: `/stays/search?lat=${lat}&lng=${lng}&checkIn=${dateIn(39)}&checkOut=${dateIn(42)}&guests=3`,
      });
      expect(res.json().properties).toEqual([]);
    });

    it.each([
      ['checkIn=2027-01-05&checkOut=2027-01-05&city=Paris', 'invalid_dates'],
      ['checkIn=2027-01-01&checkOut=2027-03-01&city=Paris', 'stay_too_long'],
      ['checkIn=2027-01-01&checkOut=2027-01-03', 'validation_failed'],
      ['checkIn=2027-01-01&checkOut=2027-01-03&lat=10', 'validation_failed'],
      ['checkIn=tomorrow&checkOut=2027-01-03&city=Paris', 'validation_failed'],
    ])('refuses %s with 400 %s', async (qs, code) => {
      const res = await t.app.inject({ method: 'GET', url: `/stays/search?${qs}` });
      expect(res.statusCode).toBe(400);
      expect(errorCode(res)).toBe(code);
    });
  });

  describe('booking', () => {
    it('takes every night, prices them, and shows the stay in the property’s time zone', async () => {
      const p = await buildProperty(t.services, { name: 'Hôtel du Louvre' });
      const rt = await buildRoomType(t.services, p.id, { nightlyRate: 20000, rooms: 2 });
      const res = await book(alice, {
        roomTypeId: rt.id,
        checkIn: dateIn(10),
        checkOut: dateIn(13),
        guests: 2,
      });
      expect(res.statusCode).toBe(201);
      const b = res.json();
      expect(b).toMatchObject({
        userId: alice.userId,
        status: 'confirmed',
        nights: 3,
        totalAmount: 60000,
        currency: 'EUR',
        roomTypeName: 'Double room',
        property: { id: p.id, name: 'Hôtel du Louvre', timeZone: 'Europe/Paris' },
      });
      const local = (iso: string) =>
        new Intl.DateTimeFormat('sv-SE', {
          timeZone: 'Europe/Paris',
          dateStyle: 'short',
          timeStyle: 'short',
        }).format(new Date(iso));
      expect(local(b.checkInAt)).toBe(`${dateIn(10)} 15:00`);
      expect(local(b.checkOutAt)).toBe(`${dateIn(13)} 11:00`);
      const nights = await inventory(rt.id, dateIn(9), dateIn(14));
      expect(nights.map((n) => n.booked)).toEqual([0, 1, 1, 1, 0]);
      const { rows } = await t.db.database.pool.query(
        `SELECT type FROM outbox_events WHERE aggregate_id = $1`,
        [b.id],
      );
      expect(rows.map((r) => r.type)).toEqual(['booking.confirmed']);
    });

    it('takes all nights or none: 409 sold_out names the first full night and nothing is taken', async () => {
      const p = await buildProperty(t.services);
      const rt = await buildRoomType(t.services, p.id, { rooms: 1 });
      expect(
        (await book(bob, { roomTypeId: rt.id, checkIn: dateIn(21), checkOut: dateIn(22), guests: 1 }))
          .statusCode,
      ).toBe(201);
      expect(
        (await book(bob, { roomTypeId: rt.id, checkIn: dateIn(23), checkOut: dateIn(24), guests: 1 }))
          .statusCode,
      ).toBe(201);
      const res = await book(alice, {
        roomTypeId: rt.id,
        checkIn: dateIn(20),
        checkOut: dateIn(25),
        guests: 1,
      });
      expect(res.statusCode).toBe(409);
      expect(errorCode(res)).toBe('sold_out');
      expect(res.json().error.details).toEqual({ night: dateIn(21) });
      expect(res.json().error.message).toContain(dateIn(21));
      expect((await inventory(rt.id, dateIn(20), dateIn(25))).map((n) => n.booked)).toEqual([0, 1, 0, 1, 0]);
    });

    it('refuses nights that are not on sale', async () => {
      const p = await buildProperty(t.services);
      const rt = await buildRoomType(t.services, p.id, { days: 30 });
      const res = await book(alice, {
        roomTypeId: rt.id,
        checkIn: dateIn(28),
        checkOut: dateIn(32),
        guests: 1,
      });
      expect(res.statusCode).toBe(409);
      expect(errorCode(res)).toBe('not_on_sale');
      expect(res.json().error.details).toEqual({ night: dateIn(30) });
      expect((await inventory(rt.id, dateIn(28), dateIn(30))).map((n) => n.booked)).toEqual([0, 0]);
    });

    it.each([
      [{ checkIn: dateIn(5), checkOut: dateIn(5), guests: 1 }, 400, 'invalid_dates'],
      [{ checkIn: dateIn(5), checkOut: dateIn(40), guests: 1 }, 400, 'stay_too_long'],
      [{ checkIn: dateIn(5), checkOut: dateIn(6), guests: 3 }, 400, 'too_many_guests'],
      [{ checkIn: dateIn(-2), checkOut: dateIn(1), guests: 1 }, 400, 'check_in_in_past'],
      [{ checkIn: '2027-02-30', checkOut: dateIn(1), guests: 1 }, 400, 'validation_failed'],
      [{ checkIn: dateIn(5), checkOut: dateIn(6), guests: 0 }, 400, 'validation_failed'],
    ])('enforces the rules: %j → %i %s', async (stay, status, code) => {
      const p = await buildProperty(t.services);
      const rt = await buildRoomType(t.services, p.id, { from: dateIn(-5) });
      const res = await book(alice, { roomTypeId: rt.id, ...stay });
      expect(res.statusCode).toBe(status);
      expect(errorCode(res)).toBe(code);
    });

    it('answers 404 for an unknown room type and 401 without a token', async () => {
      const res = await book(alice, {
        roomTypeId: '00000000-0000-4000-8000-000000000000',
        checkIn: dateIn(5),
        checkOut: dateIn(6),
        guests: 1,
      });
      expect(res.statusCode).toBe(404);
      expect(errorCode(res)).toBe('room_type_not_found');
      const anon = await t.app.inject({ method: 'POST', url: '/stay-bookings', payload: {} });
      expect(anon.statusCode).toBe(401);
    });

    it('cancels before check-in, gives the nights back, idempotently; hides others’ stays', async () => {
      const p = await buildProperty(t.services);
      const rt = await buildRoomType(t.services, p.id, { rooms: 1 });
      const id = (
        await book(alice, { roomTypeId: rt.id, checkIn: dateIn(50), checkOut: dateIn(52), guests: 1 })
      ).json().id;
      expect(
        (await t.app.inject({ method: 'GET', url: `/stay-bookings/${id}`, headers: bob.auth })).statusCode,
      ).toBe(404);
      const stranger = await t.app.inject({
        method: 'POST',
        url: `/stay-bookings/${id}/cancel`,
        headers: bob.auth,
      });
      expect(stranger.statusCode).toBe(404);
      expect(errorCode(stranger)).toBe('stay_booking_not_found');
      expect(
        (await t.app.inject({ method: 'GET', url: `/stay-bookings/${id}`, headers: admin.auth })).statusCode,
      ).toBe(200);
      const first = await t.app.inject({
        method: 'POST',
        url: `/stay-bookings/${id}/cancel`,
        headers: alice.auth,
      });
      expect(first.statusCode).toBe(200);
      expect(first.json().status).toBe('cancelled');
      const second = await t.app.inject({
        method: 'POST',
        url: `/stay-bookings/${id}/cancel`,
        headers: alice.auth,
      });
      expect(second.json().cancelledAt).toBe(first.json().cancelledAt);
      expect((await inventory(rt.id, dateIn(50), dateIn(52))).map((n) => n.booked)).toEqual([0, 0]);
      expect(
        (await book(bob, { roomTypeId: rt.id, checkIn: dateIn(50), checkOut: dateIn(52), guests: 1 }))
          .statusCode,
      ).toBe(201);
      const { rows } = await t.db.database.pool.query(
        `SELECT type FROM outbox_events WHERE aggregate_id = $1 ORDER BY occurred_at`,
        [id],
      );
      expect(rows.map((r) => r.type)).toEqual(['booking.confirmed', 'booking.cancelled']);
    });

    it('refuses to cancel on or after the check-in date (409 stay_started)', async () => {
      const p = await buildProperty(t.services);
      const rt = await buildRoomType(t.services, p.id);
      const id = (
        await book(alice, { roomTypeId: rt.id, checkIn: dateIn(3), checkOut: dateIn(4), guests: 1 })
      ).json().id;
      await t.db.database.pool.query(`UPDATE stay_bookings SET check_in = current_date - 1 WHERE id = $1`, [
        id,
      ]);
      const res = await t.app.inject({
        method: 'POST',
        url: `/stay-bookings/${id}/cancel`,
        headers: alice.auth,
      });
      expect(res.statusCode).toBe(409);
      expect(errorCode(res)).toBe('stay_started');
    });

    it('lists your own stays, newest first', async () => {
      const carol = await signUp(t.app);
      const p = await buildProperty(t.services);
      const rt = await buildRoomType(t.services, p.id);
      for (const d of [60, 62, 64]) {
        expect(
          (await book(carol, { roomTypeId: rt.id, checkIn: dateIn(d), checkOut: dateIn(d + 1), guests: 1 }))
            .statusCode,
        ).toBe(201);
      }
      const page1 = await t.app.inject({ method: 'GET', url: '/stay-bookings?limit=2', headers: carol.auth });
      expect(page1.json().bookings.map((b: { checkIn: string }) => b.checkIn)).toEqual([
        dateIn(64),
        dateIn(62),
      ]);
      const page2 = await t.app.inject({
        method: 'GET',
        url: `/stay-bookings?limit=2&cursor=${page1.json().nextCursor}`,
        headers: carol.auth,
      });
      expect(page2.json().bookings.map((b: { checkIn: string }) => b.checkIn)).toEqual([dateIn(60)]);
      expect(page2.json().nextCursor).toBeNull();
    });
  });

  describe('inventory', () => {
    it('lets admins put rooms on sale, never below what is booked; the CHECK holds in the database', async () => {
      const created = await t.app.inject({
        method: 'POST',
        url: '/stays/properties',
        headers: admin.auth,
        payload: {
          name: 'Canal House',
          city: 'Amsterdam',
          country: 'NL',
          lat: 52.37,
          lng: 4.89,
          stars: 3,
          timeZone: 'Europe/Amsterdam',
          currency: 'EUR',
        },
      });
      expect(created.statusCode).toBe(201);
      const rtRes = await t.app.inject({
        method: 'POST',
        url: `/stays/properties/${created.json().id}/room-types`,
        headers: admin.auth,
        payload: { name: 'Canal view', maxGuests: 2, nightlyRate: 18000 },
      });
      expect(rtRes.statusCode).toBe(201);
      const rtId = rtRes.json().id;
      const put = (rooms: number, who: SignedIn = admin) =>
        t.app.inject({
          method: 'PUT',
          url: `/stays/room-types/${rtId}/inventory`,
          headers: who.auth,
          payload: { from: dateIn(5), to: dateIn(8), rooms },
        });
      expect((await put(2, alice)).statusCode).toBe(403);
      expect((await put(2)).json()).toEqual({ nights: 3 });
      expect(
        (await book(alice, { roomTypeId: rtId, checkIn: dateIn(5), checkOut: dateIn(7), guests: 2 }))
          .statusCode,
      ).toBe(201);
      expect(
        (await book(bob, { roomTypeId: rtId, checkIn: dateIn(6), checkOut: dateIn(7), guests: 2 }))
          .statusCode,
      ).toBe(201);
      const tooFew = await put(1);
      expect(tooFew.statusCode).toBe(409);
      expect(errorCode(tooFew)).toBe('rooms_below_booked');
      expect((await inventory(rtId, dateIn(5), dateIn(8))).map((n) => [n.rooms, n.booked])).toEqual([
        [2, 1],
        [2, 2],
        [2, 0],
      ]);
      await expect(
        t.db.database.pool.query(`UPDATE room_inventory SET booked = booked + 1 WHERE room_type_id = $1`, [
          rtId,
        ]),
      ).rejects.toMatchObject({ constraint: 'room_inventory_not_overbooked' });
      const detail = await t.app.inject({ method: 'GET', url: `/stays/properties/${created.json().id}` });
      expect(detail.json().roomTypes.map((r: { name: string }) => r.name)).toEqual(['Canal view']);
    });
  });

  it('rolls inventory forward: every room type stays on sale at its last number of rooms', async () => {
    const p = await buildProperty(t.services);
    const rt = await buildRoomType(t.services, p.id, { rooms: 4, days: 10, nightlyRate: 15000 });
    await t.services.stays.setInventory(rt.id, { from: dateIn(9), to: dateIn(10), rooms: 2, rate: 99999 });
    expect(await t.services.stays.rollInventory(30)).toBeGreaterThanOrEqual(20);
    const nights = await inventory(rt.id, dateIn(0), dateIn(31));
    expect(nights.map((n) => n.night)).toEqual(Array.from({ length: 30 }, (_, i) => dateIn(i)));
    expect(nights[9]).toMatchObject({ rooms: 2, rate: 99999 });
    expect(nights.slice(10).every((n) => n.rooms === 2 && n.rate === 15000 && n.booked === 0)).toBe(true);
    expect(await t.services.stays.rollInventory(30)).toBe(0);
  });

  it('of 100 concurrent attempts for the last room exactly one succeeds, the rest get 409 sold_out, none 5xx', async () => {
    const p = await buildProperty(t.services);
    const rt = await buildRoomType(t.services, p.id, { rooms: 1 });
    const users = await Promise.all(Array.from({ length: 5 }, () => signUp(t.app)));
    // Different stays that all include the night of day 72.
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        book(users[i % users.length]!, {
          roomTypeId: rt.id,
          checkIn: dateIn(70 + (i % 3)),
          checkOut: dateIn(73 + (i % 4)),
          guests: 1,
        }),
      ),
    );
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(99);
    expect(results.filter((r) => r.statusCode === 409).every((r) => errorCode(r) === 'sold_out')).toBe(true);
    const nights = await inventory(rt.id, dateIn(70), dateIn(77));
    expect(nights.every((n) => n.booked <= n.rooms)).toBe(true);
    expect(nights.find((n) => n.night === dateIn(72))!.booked).toBe(1);
    const winner = results.find((r) => r.statusCode === 201)!.json();
    const booked = nights.filter((n) => n.booked === 1).map((n) => n.night);
    expect(booked[0]).toBe(winner.checkIn);
    expect(booked).toHaveLength(winner.nights);
  });
});
