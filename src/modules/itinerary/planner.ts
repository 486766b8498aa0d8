import { parseClock, weekday } from '../../platform/dates.js';
import { optimiseRoute, routeCost } from './optimizer.js';
import {
  type DayInput,
  type DaySchedule,
  openOn,
  type PlanPoi,
  scheduleDay,
  type Travel,
} from './scheduler.js';
import { haversineKm } from './travel.js';

export const PACES = {
  relaxed: { start: '10:00', end: '18:00', maxStops: 3 },
  moderate: { start: '09:00', end: '19:00', maxStops: 5 },
  packed: { start: '08:30', end: '21:00', maxStops: 7 },
} as const;
export type Pace = keyof typeof PACES;

export interface Preferences {
  interests: readonly string[];
  /** Highest price level (0–4) to choose, must-sees apart. */
  budget: number;
  mustSee: readonly string[];
  maxStops: number;
}

export interface PlanOutcome {
  days: DaySchedule[];
  /** Must-sees that fit no day (closed, too far, or no room). */
  unplaced: PlanPoi[];
}

/**
 * The best order for a set of places on a day: nearest neighbour + 2-opt when that order fits the
 * opening hours, else the cheapest order found by inserting places one by one where they fit.
 */
export function arrangeDay(
  day: DayInput,
  places: readonly PlanPoi[],
  travel: Travel,
): DaySchedule | undefined {
  const optimised = scheduleDay(day, optimiseRoute(day.base, places, travel), travel);
  if (optimised) return optimised;
  let order: PlanPoi[] = [];
  // Places that close earliest go in first: they constrain the day most.
  const byClosing = [...places].sort((a, b) => lastClose(a, day.date) - lastClose(b, day.date));
  for (const p of byClosing) {
    const next = cheapestInsertion(day, order, p, travel);
    if (!next) return undefined;
    order = next.stops.map((s) => s.poi);
  }
  return scheduleDay(day, order, travel);
}

function lastClose(poi: PlanPoi, date: string): number {
  const closes = (poi.openingHours[weekday(date)] ?? []).map(([, c]) => parseClock(c));
  return closes.length ? Math.max(...closes) : 0;
}

/** Tries `poi` at every position of `order`; the feasible schedule with the least travel, if any. */
export function cheapestInsertion(day: DayInput, order: readonly PlanPoi[], poi: PlanPoi, travel: Travel) {
  let best: DaySchedule | undefined;
  for (let i = 0; i <= order.length; i++) {
    const s = scheduleDay(day, [...order.slice(0, i), poi, ...order.slice(i)], travel);
    if (s && (!best || s.travelMinutes < best.travelMinutes)) best = s;
  }
  return best;
}

/** The places the preferences let the planner choose: must-sees, and the rest within interests and budget. */
export function wantedPlaces(catalogue: readonly PlanPoi[], prefs: Preferences): PlanPoi[] {
  const must = new Set(prefs.mustSee);
  return catalogue.filter(
    (p) =>
      must.has(p.id) ||
      (p.priceLevel <= prefs.budget &&
        (prefs.interests.length === 0 || prefs.interests.includes(p.category))),
  );
}

/**
 * The built-in planner. Must-sees first, then places matching the interests, then the rest within
 * budget; each day is seeded with the most wanted place left and filled with wanted places close
 * to it while they fit the day's hours; the day's order is then optimised.
 */
export function planBuiltIn(
  days: readonly DayInput[],
  catalogue: readonly PlanPoi[],
  prefs: Preferences,
  travel: Travel,
): PlanOutcome {
  const must = new Set(prefs.mustSee);
  const wanted = wantedPlaces(catalogue, prefs);
  const score = (p: PlanPoi) => (must.has(p.id) ? 1000 : prefs.interests.includes(p.category) ? 10 : 1);
  const remaining = new Map(wanted.map((p) => [p.id, p]));
  const out: DaySchedule[] = [];

  for (const day of days) {
    let schedule: DaySchedule = { day, stops: [], travelMinutes: 0 };
    const byScore = [...remaining.values()]
      .filter((p) => openOn(p, day.date))
      .sort((a, b) => score(b) - score(a) || haversineKm(day.base, a) - haversineKm(day.base, b));
    const seed = byScore.find((p) => scheduleDay(day, [p], travel));
    if (seed) {
      schedule = scheduleDay(day, [seed], travel)!;
      remaining.delete(seed.id);
      const near = byScore
        .filter((p) => p !== seed)
        .sort((a, b) => score(b) - score(a) || haversineKm(seed, a) - haversineKm(seed, b));
      for (const p of near) {
        if (schedule.stops.length >= prefs.maxStops) break;
        const next = cheapestInsertion(
          day,
          schedule.stops.map((s) => s.poi),
          p,
          travel,
        );
        if (next) {
          schedule = next;
          remaining.delete(p.id);
        }
      }
      const polished = scheduleDay(
        day,
        optimiseRoute(
          day.base,
          schedule.stops.map((s) => s.poi),
          travel,
        ),
        travel,
      );
      if (polished && polished.travelMinutes < schedule.travelMinutes) schedule = polished;
    }
    out.push(schedule);
  }
  return { days: out, unplaced: [...remaining.values()].filter((p) => must.has(p.id)) };
}

/** Travel minutes of the same day's places in the order given (the benchmark's naive baseline). */
export function naiveMinutes(day: DayInput, places: readonly PlanPoi[], travel: Travel): number {
  return routeCost(day.base, places, travel);
}
