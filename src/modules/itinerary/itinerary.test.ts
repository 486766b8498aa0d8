// Over 300 lines: planning cases share one app, one trip catalogue and a local LLM server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatServer, startChatServer } from '../../../test/helpers/llm-server.js';
import {
  createTestApp,
  errorCode,
  type SignedIn,
  signInAdmin,
  signUp,
  signUpVerified,
  type TestApp,
} from '../../../test/helpers/test-app.js';
import { buildProperty, buildRoomType, dateIn } from '../../../test/helpers/travel-factories.js';
import { demoPois } from '../../demo/pois.js';
import { parseClock, weekday } from '../../platform/dates.js';
import type { Poi } from '../pois/schemas.js';
import { travelMinutes } from './travel.js';

interface PlanJson {
  source: string;
  fallbackReason: string | null;
  warnings: string[];
  totalTravelMinutes: number;
  days: {
    date: string;
    base: { name: string; lat: number; lng: number };
    window: { start: string; end: string };
    travelMinutes: number;
    stops: {
      poiId: string;
      travelMinutes: number;
      visitMinutes: number;
      arrive: string;
      start: string;
      end: string;
      startAt: string;
    }[];
  }[];
}

describe('itinerary planning', () => {
  let t: TestApp;
  let llm: ChatServer;
  let alice: SignedIn;
  let admin: SignedIn;
  let paris: Poi[];

  beforeAll(async () => {
    llm = await startChatServer();
    t = await createTestApp({
      env: {
        LLM_BASE_URL: llm.baseUrl,
        LLM_API_KEY: 'sk-test-key',
        LLM_MODEL: 'planner-test',
        LLM_TIMEOUT: '500ms',
      },
    });
    alice = await signUp(t.app);
    admin = await signInAdmin(t);
    for (const p of demoPois().filter((x) => x.city === 'Paris'))
      await t.services.pois.create({ ...p, description: '' });
    paris = await t.services.pois.inCity({ city: 'Paris', limit: 100 });
  });
  afterAll(async () => {
    await t?.close();
    await llm?.close();
  });

  const byName = (name: string) => paris.find((p) => p.name === name)!;
  const newTrip = async (who: SignedIn = alice, days = 3) =>
    (
      await t.app.inject({
        method: 'POST',
        url: '/trips',
        headers: who.auth,
        payload: {
          name: 'Paris',
          destination: 'Paris',
          startDate: dateIn(20),
          endDate: dateIn(20 + days - 1),
        },
      })
    ).json();
  const plan = (tripId: string, body: Record<string, unknown> = {}, who: SignedIn = alice) =>
    t.app.inject({ method: 'POST', url: `/trips/${tripId}/plan`, headers: who.auth, payload: body });
  const setFlag = (body: Record<string, unknown>) =>
    t.app.inject({ method: 'PATCH', url: '/feature-flags/planner.llm', headers: admin.auth, payload: body });

  /** Opening hours, visit lengths, travel between stops and the day's window all hold. */
  function expectValid(p: PlanJson) {
    const seen = new Set<string>();
    for (const d of p.days) {
      let t0 = parseClock(d.window.start);
      let at: { lat: number; lng: number } = d.base;
      for (const s of d.stops) {
        expect(seen.has(s.poiId)).toBe(false);
        seen.add(s.poiId);
        const poi = paris.find((x) => x.id === s.poiId)!;
        expect(s.travelMinutes).toBe(travelMinutes(at, poi));
        expect(parseClock(s.arrive)).toBe(t0 + s.travelMinutes);
        expect(parseClock(s.start)).toBeGreaterThanOrEqual(parseClock(s.arrive));
        expect(parseClock(s.end) - parseClock(s.start)).toBe(poi.visitMinutes);
        const open = poi.openingHours[weekday(d.date)]!;
        expect(
          open.some(([o, c]) => parseClock(s.start) >= parseClock(o) && parseClock(s.end) <= parseClock(c)),
        ).toBe(true);
        t0 = parseClock(s.end);
        at = poi;
      }
      expect(t0 + travelMinutes(at, d.base)).toBeLessThanOrEqual(parseClock(d.window.end));
    }
  }

  describe('built-in planner', () => {
    it('plans every day within opening hours, visit lengths, travel and the pace’s window', async () => {
      const trip = await newTrip();
      const res = await plan(trip.id, { pace: 'moderate' });
      expect(res.statusCode).toBe(201);
      const p = res.json() as PlanJson;
      expect(p).toMatchObject({ source: 'builtin', fallbackReason: null, warnings: [] });
      expect(p.days.map((d) => d.date)).toEqual([dateIn(20), dateIn(21), dateIn(22)]);
      expect(p.days.every((d) => d.window.start === '09:00' && d.window.end === '19:00')).toBe(true);
      expect(p.days.every((d) => d.stops.length > 0 && d.stops.length <= 5)).toBe(true);
      expect(p.days[0]!.base.name).toBe('Paris centre');
      expectValid(p);
      expect(p.totalTravelMinutes).toBe(p.days.reduce((s, d) => s + d.travelMinutes, 0));
      const latest = await t.app.inject({
        method: 'GET',
        url: `/trips/${trip.id}/plan`,
        headers: alice.auth,
      });
      expect(latest.json()).toEqual(res.json());
      const { rows } = await t.db.database.pool.query(
        `SELECT type, payload FROM outbox_events WHERE aggregate_id = $1`,
        [trip.id],
      );
      expect(rows).toEqual([
        { type: 'plan.ready', payload: expect.objectContaining({ source: 'builtin', days: 3 }) },
      ]);
    });

    it('starts each day from the booked stay, puts must-sees in, keeps to budget and interests', async () => {
      const trip = await newTrip();
      const hotel = await buildProperty(t.services, {
        name: 'Hôtel Marais',
        lat: 48.8575,
        lng: 2.3624,
        address: '1 Rue des Archives',
      });
      const room = await buildRoomType(t.services, hotel.id);
      const stay = await t.app.inject({
        method: 'POST',
        url: '/stay-bookings',
        headers: alice.auth,
        payload: { roomTypeId: room.id, checkIn: dateIn(20), checkOut: dateIn(23), guests: 1 },
      });
      await t.app.inject({
        method: 'POST',
        url: `/trips/${trip.id}/items`,
        headers: alice.auth,
        payload: { kind: 'stay_booking', bookingId: stay.json().id },
      });
      const eiffel = byName('Eiffel Tower');
      const res = await plan(trip.id, {
        pace: 'relaxed',
        interests: ['museum'],
        budget: 2,
        mustSee: [eiffel.id],
      });
      const p = res.json() as PlanJson;
      expect(p.days.every((d) => d.base.lat === 48.8575 && d.base.name.startsWith('Hôtel Marais'))).toBe(
        true,
      );
      expect(p.days.every((d) => d.window.start === '10:00' && d.stops.length <= 3)).toBe(true);
      const chosen = p.days.flatMap((d) => d.stops.map((s) => paris.find((x) => x.id === s.poiId)!));
      expect(chosen.map((c) => c.name)).toContain('Eiffel Tower');
      expect(
        chosen.filter((c) => c.id !== eiffel.id).every((c) => c.category === 'museum' && c.priceLevel <= 2),
      ).toBe(true);
      expectValid(p);
    });

    it('refuses must-sees elsewhere, destinations without a catalogue, and viewers', async () => {
      const trip = await newTrip();
      const bad = await plan(trip.id, { mustSee: ['00000000-0000-4000-8000-000000000000'] });
      expect(bad.statusCode).toBe(400);
      expect(errorCode(bad)).toBe('unknown_poi');
      const far = await t.app.inject({
        method: 'POST',
        url: '/trips',
        headers: alice.auth,
        payload: {
          name: 'x',
          destination: 'Ulaanbaatar',
          timeZone: 'Asia/Ulaanbaatar',
          startDate: dateIn(5),
          endDate: dateIn(6),
        },
      });
      const none = await plan(far.json().id);
      expect(none.statusCode).toBe(409);
      expect(errorCode(none)).toBe('no_catalogue');
      const before = await t.app.inject({
        method: 'GET',
        url: `/trips/${far.json().id}/plan`,
        headers: alice.auth,
      });
      expect(errorCode(before)).toBe('plan_not_found');
    });
  });

  describe('LLM planner behind the planner.llm flag', () => {
    /** A well-behaved answer: two places open that day, per day, from the catalogue sent. */
    const validAnswer =
      (mustSee: string[] = []) =>
      (req: { body: { messages: { content: string }[] } }) => {
        const user = JSON.parse(req.body.messages[1]!.content) as {
          days: { date: string }[];
          catalogue: { id: string; open: string[] }[];
        };
        const used = new Set<string>(mustSee);
        return {
          content: JSON.stringify({
            days: user.days.map((d, i) => {
              const open = user.catalogue.filter(
                (c) => !used.has(c.id) && !c.open[weekday(d.date)]!.endsWith('closed'),
              );
              const ids = [...(i === 0 ? mustSee : []), ...open.slice(0, 2).map((c) => c.id)];
              for (const id of ids) used.add(id);
              return { date: d.date, poiIds: ids };
            }),
          }),
        };
      };

    it('does not ask the LLM while the flag is off for the user', async () => {
      await setFlag({ enabled: false });
      const before = llm.requests.length;
      const res = await plan((await newTrip()).id);
      expect(res.json().source).toBe('builtin');
      expect(llm.requests.length).toBe(before);
    });

    it('uses a valid proposal, asking with a JSON schema, and schedules it with the optimiser', async () => {
      await setFlag({ enabled: true, allowList: [alice.userId] });
      llm.answer(validAnswer());
      const trip = await newTrip();
      const res = await plan(trip.id, { pace: 'moderate' });
      const p = res.json() as PlanJson;
      expect(p.source).toBe('llm');
      expect(p.fallbackReason).toBeNull();
      expect(p.days.every((d) => d.stops.length === 2)).toBe(true);
      expectValid(p);
      const sent = llm.requests.at(-1)!;
      expect(sent.headers.authorization).toBe('Bearer sk-test-key');
      expect(sent.body.model).toBe('planner-test');
      expect(sent.body.response_format).toMatchObject({
        type: 'json_schema',
        json_schema: { name: 'itinerary_choice', strict: true },
      });
      expect(sent.body.response_format!.json_schema!.schema).toMatchObject({
        type: 'object',
        required: ['days'],
        additionalProperties: false,
      });
      const user = JSON.parse(sent.body.messages[1]!.content);
      expect(user.catalogue).toHaveLength(paris.length);
      expect(user.days.map((d: { date: string }) => d.date)).toEqual([dateIn(20), dateIn(21), dateIn(22)]);
      // Someone the flag does not reach still gets the built-in planner.
      const bob = await signUpVerified(t);
      expect((await plan((await newTrip(bob)).id, {}, bob)).json().source).toBe('builtin');
    });

    it.each([
      ['not JSON', () => ({ content: 'Sure! Day 1: the Louvre…' }), 'llm_invalid_json'],
      ['the wrong shape', () => ({ content: JSON.stringify({ itinerary: [] }) }), 'llm_invalid_output'],
      [
        'a made-up place',
        () => ({ content: JSON.stringify({ days: [{ date: dateIn(20), poiIds: ['poi_made_up'] }] }) }),
        'llm_violates_constraints',
      ],
      [
        'a day outside the trip',
        () => ({ content: JSON.stringify({ days: [{ date: dateIn(40), poiIds: [] }] }) }),
        'llm_violates_constraints',
      ],
      ['an HTTP 500', () => ({ status: 500 }), 'llm_unavailable'],
      ['a broken body', () => ({ raw: '{"choices": [' }), 'llm_invalid_json'],
    ])('falls back to the built-in planner on %s', async (_what, reply, reason) => {
      await setFlag({ enabled: true, rolloutPercentage: 100, allowList: [] });
      llm.answer(reply);
      const res = await plan((await newTrip()).id);
      expect(res.statusCode).toBe(201);
      const p = res.json() as PlanJson;
      expect(p.source).toBe('builtin');
      expect(p.fallbackReason).toMatch(new RegExp(`^${reason}: `));
      expectValid(p);
    });

    it('falls back when the proposal breaks the constraints: a closed place, a left-out must-see, too many stops', async () => {
      await setFlag({ enabled: true, rolloutPercentage: 100 });
      // A one-day trip on a Monday, when the Musée d’Orsay is closed.
      let monday = 20;
      while (weekday(dateIn(monday)) !== 0) monday += 1;
      const trip = (
        await t.app.inject({
          method: 'POST',
          url: '/trips',
          headers: alice.auth,
          payload: {
            name: 'Monday',
            destination: 'Paris',
            startDate: dateIn(monday),
            endDate: dateIn(monday),
          },
        })
      ).json();
      const orsay = byName('Musée d’Orsay');
      expect(orsay.openingHours[0]).toEqual([]);
      llm.answer(() => ({
        content: JSON.stringify({ days: [{ date: dateIn(monday), poiIds: [orsay.id] }] }),
      }));
      expect((await plan(trip.id)).json().fallbackReason).toMatch(/^llm_violates_constraints: .*do not fit/);
      const eiffel = byName('Eiffel Tower');
      llm.answer(validAnswer());
      expect((await plan(trip.id, { mustSee: [eiffel.id] })).json().fallbackReason).toMatch(
        /must-see Eiffel Tower left out/,
      );
      llm.answer(() => ({
        content: JSON.stringify({
          days: [{ date: dateIn(monday), poiIds: paris.slice(0, 4).map((p) => p.id) }],
        }),
      }));
      expect((await plan(trip.id, { pace: 'relaxed' })).json().fallbackReason).toMatch(/more than 3 places/);
      llm.answer(validAnswer([eiffel.id]));
      const ok = (await plan(trip.id, { mustSee: [eiffel.id] })).json() as PlanJson;
      expect(ok.source).toBe('llm');
      expect(ok.days[0]!.stops.map((s) => s.poiId)).toContain(eiffel.id);
    });

    it('gives up on a slow LLM after LLM_TIMEOUT and plans with the built-in planner', async () => {
      await setFlag({ enabled: true, rolloutPercentage: 100 });
      llm.answer((req) => ({ ...validAnswer()(req), delayMs: 3000 }));
      const started = Date.now();
      const res = await plan((await newTrip()).id);
      const ms = Date.now() - started;
      console.log(`plan with an LLM answering in 3000 ms returned in ${ms} ms (LLM_TIMEOUT 500 ms)`);
      expect(res.json()).toMatchObject({
        source: 'builtin',
        fallbackReason: expect.stringMatching(/^llm_timeout: /),
      });
      expect(ms).toBeLessThan(3000);
      await setFlag({ enabled: false, rolloutPercentage: 0 });
    });
  });
});
