import { describe, expect, it } from 'vitest';
import { prng } from '../../demo/seed.js';
import { parseClock, weekday } from '../../platform/dates.js';
import { nearestNeighbour, optimiseRoute, routeCost, twoOpt } from './optimizer.js';
import { planBuiltIn } from './planner.js';
import { type DayInput, type PlanPoi, scheduleDay } from './scheduler.js';
import { haversineKm, travelMinutes } from './travel.js';

const every = (open: string, close: string) =>
  Array.from({ length: 7 }, () => [[open, close]] as [string, string][]);
const poi = (id: string, lat: number, lng: number, extra: Partial<PlanPoi> = {}): PlanPoi => ({
  id,
  name: id,
  category: 'museum',
  lat,
  lng,
  visitMinutes: 60,
  priceLevel: 1,
  openingHours: every('09:00', '18:00'),
  ...extra,
});
const base = { name: 'Hotel', lat: 48.8566, lng: 2.3522 };
// 2027-05-03 is a Monday.
const day = (date = '2027-05-03', start = '09:00', end = '19:00'): DayInput => ({
  date,
  start: parseClock(start),
  end: parseClock(end),
  base,
});

/** Every stop fits its opening hours, its visit length, the travel before it and the day. */
function expectValid(schedule: NonNullable<ReturnType<typeof scheduleDay>>) {
  let t = schedule.day.start;
  let at: { lat: number; lng: number } = schedule.day.base;
  for (const s of schedule.stops) {
    expect(s.travelMinutes).toBe(travelMinutes(at, s.poi));
    expect(s.arrive).toBe(t + s.travelMinutes);
    expect(s.start).toBeGreaterThanOrEqual(s.arrive);
    expect(s.end - s.start).toBe(s.poi.visitMinutes);
    const open = s.poi.openingHours[weekday(schedule.day.date)]!.map(([o, c]) => [
      parseClock(o),
      parseClock(c),
    ]);
    expect(open.some(([o, c]) => s.start >= o! && s.end <= c!)).toBe(true);
    t = s.end;
    at = s.poi;
  }
  expect(t + travelMinutes(at, schedule.day.base)).toBeLessThanOrEqual(schedule.day.end);
}

describe('travel time', () => {
  it('is symmetric, zero in place, walks short hops and rides longer ones', () => {
    const louvre = { lat: 48.8606, lng: 2.3376 };
    const orsay = { lat: 48.86, lng: 2.3266 };
    const eiffel = { lat: 48.8584, lng: 2.2945 };
    expect(travelMinutes(louvre, louvre)).toBe(0);
    expect(travelMinutes(louvre, eiffel)).toBe(travelMinutes(eiffel, louvre));
    const notreDame = { lat: 48.853, lng: 2.3499 };
    const chapelle = { lat: 48.8554, lng: 2.345 };
    // Under half a kilometre: a walk at 4.8 km/h on streets 1.3 times the straight line.
    expect(haversineKm(notreDame, chapelle)).toBeLessThan(0.5);
    expect(travelMinutes(notreDame, chapelle)).toBe(
      Math.ceil(((haversineKm(notreDame, chapelle) * 1.3) / 4.8) * 60),
    );
    // About 1 km of street is where a ride starts to win.
    expect(travelMinutes(louvre, orsay)).toBe(Math.ceil(10 + ((haversineKm(louvre, orsay) * 1.3) / 25) * 60));
    // 3.2 km: a ride, 10 minutes to get going plus city speed.
    expect(travelMinutes(louvre, eiffel)).toBe(
      Math.ceil(10 + ((haversineKm(louvre, eiffel) * 1.3) / 25) * 60),
    );
  });
});

describe('route optimiser', () => {
  it('uncrosses a crossing tour with 2-opt', () => {
    const start = { lat: 0, lng: 0 };
    const square = [
      { lat: 0, lng: 1 },
      { lat: 1, lng: 0 },
      { lat: 1, lng: 1 },
    ];
    const euclid = (a: { lat: number; lng: number }, b: { lat: number; lng: number }) =>
      Math.hypot(a.lat - b.lat, a.lng - b.lng);
    const crossing = [square[0]!, square[1]!, square[2]!];
    const fixed = twoOpt(start, crossing, euclid);
    expect(routeCost(start, fixed, euclid)).toBeCloseTo(4, 6);
    expect(routeCost(start, crossing, euclid)).toBeGreaterThan(4.8);
  });

  it('is never worse than nearest neighbour alone, nor than the given order, on random cities', () => {
    const r = prng(42);
    for (let trial = 0; trial < 50; trial++) {
      const places = Array.from({ length: 4 + r.int(0, 8) }, (_, i) =>
        poi(`p${i}`, 48.8 + r.next() * 0.1, 2.25 + r.next() * 0.15),
      );
      const nn = nearestNeighbour(base, places, travelMinutes);
      const best = optimiseRoute(base, places, travelMinutes);
      expect(new Set(best.map((p) => p.id))).toEqual(new Set(places.map((p) => p.id)));
      expect(routeCost(base, best, travelMinutes)).toBeLessThanOrEqual(routeCost(base, nn, travelMinutes));
      expect(routeCost(base, best, travelMinutes)).toBeLessThanOrEqual(
        routeCost(base, places, travelMinutes),
      );
    }
  });
});

describe('day scheduler', () => {
  it('waits for a place to open and keeps a visit inside its opening period', () => {
    const late = poi('late', 48.857, 2.353, { openingHours: every('11:00', '13:00'), visitMinutes: 90 });
    const s = scheduleDay(day(), [late], travelMinutes)!;
    expect(s.stops[0]!.start).toBe(parseClock('11:00'));
    expect(s.stops[0]!.end).toBe(parseClock('12:30'));
    const tooLong = poi('tooLong', 48.857, 2.353, {
      openingHours: every('11:00', '12:00'),
      visitMinutes: 90,
    });
    expect(scheduleDay(day(), [tooLong], travelMinutes)).toBeUndefined();
  });

  it('refuses a place on its closed day and a day that would end after the window', () => {
    const closedMonday = poi('museum', 48.86, 2.34, {
      openingHours: [[], ...every('10:00', '18:00').slice(1)],
    });
    expect(scheduleDay(day('2027-05-03'), [closedMonday], travelMinutes)).toBeUndefined();
    expect(scheduleDay(day('2027-05-04'), [closedMonday], travelMinutes)).toBeDefined();
    const long = poi('long', 48.86, 2.34, { visitMinutes: 480, openingHours: every('00:00', '24:00') });
    expect(scheduleDay(day('2027-05-04', '09:00', '17:00'), [long], travelMinutes)).toBeUndefined();
  });
});

describe('built-in planner', () => {
  const r = prng(7);
  const catalogue = Array.from({ length: 30 }, (_, i) =>
    poi(`p${i}`, 48.82 + r.next() * 0.08, 2.28 + r.next() * 0.12, {
      category: ['museum', 'park', 'landmark', 'market'][i % 4]!,
      priceLevel: i % 5,
      visitMinutes: 30 + (i % 5) * 30,
      openingHours: i % 3 === 0 ? [[], ...every('10:00', '18:00').slice(1)] : every('09:00', '20:00'),
    }),
  );
  const days = ['2027-05-03', '2027-05-04', '2027-05-05'].map((d) => day(d));

  it('plans valid days: hours, visits, travel, window; no place twice; at most the pace’s stops', () => {
    const out = planBuiltIn(
      days,
      catalogue,
      { interests: [], budget: 4, mustSee: [], maxStops: 5 },
      travelMinutes,
    );
    const ids = out.days.flatMap((d) => d.stops.map((s) => s.poi.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const d of out.days) {
      expect(d.stops.length).toBeGreaterThan(0);
      expect(d.stops.length).toBeLessThanOrEqual(5);
      expectValid(d);
    }
  });

  it('puts must-sees in, keeps to the budget and prefers the interests', () => {
    const must = catalogue.find((p) => p.priceLevel === 4)!;
    const out = planBuiltIn(
      days,
      catalogue,
      { interests: ['park'], budget: 2, mustSee: [must.id], maxStops: 4 },
      travelMinutes,
    );
    const chosen = out.days.flatMap((d) => d.stops.map((s) => s.poi));
    expect(chosen.map((p) => p.id)).toContain(must.id);
    expect(
      chosen.filter((p) => p.id !== must.id).every((p) => p.priceLevel <= 2 && p.category === 'park'),
    ).toBe(true);
    expect(out.unplaced).toEqual([]);
  });

  it('reports a must-see that is closed on every day of the trip', () => {
    const neverOpen = poi('closed-all-trip', 48.85, 2.35, {
      openingHours: [[], [], [], ...every('10:00', '18:00').slice(3)],
    });
    const out = planBuiltIn(
      days,
      [...catalogue, neverOpen],
      { interests: [], budget: 4, mustSee: [neverOpen.id], maxStops: 5 },
      travelMinutes,
    );
    expect(out.unplaced.map((p) => p.id)).toEqual([neverOpen.id]);
  });
});

describe('busy times', () => {
  it('moves a visit after the trip’s own item and reaches it from where that item is', () => {
    const louvre = poi('louvre', 48.8606, 2.3376);
    const rodin = { lat: 48.8553, lng: 2.3159 };
    const busy = [{ start: parseClock('09:00'), end: parseClock('12:00'), at: rodin, what: 'Rodin' }];
    const s = scheduleDay({ ...day(), busy }, [louvre], travelMinutes)!;
    expect(s.stops[0]!.travelMinutes).toBe(travelMinutes(rodin, louvre));
    expect(s.stops[0]!.arrive).toBe(parseClock('12:00') + travelMinutes(rodin, louvre));
    // A day its own items fill leaves no room.
    const full = [{ start: parseClock('08:00'), end: parseClock('20:00'), at: null, what: 'Day out' }];
    expect(scheduleDay({ ...day(), busy: full }, [louvre], travelMinutes)).toBeUndefined();
    expect(
      planBuiltIn(
        [{ ...day(), busy: full }],
        [louvre],
        { interests: [], budget: 4, mustSee: [], maxStops: 5 },
        travelMinutes,
      ).days[0]!.stops,
    ).toEqual([]);
  });
});
