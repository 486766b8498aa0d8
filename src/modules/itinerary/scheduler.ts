import { parseClock, weekday } from '../../platform/dates.js';
import type { Point } from './travel.js';

export interface PlanPoi extends Point {
  id: string;
  name: string;
  category: string;
  visitMinutes: number;
  priceLevel: number;
  /** Monday first; [open, close] local "HH:MM" pairs per day. */
  openingHours: [string, string][][];
}

/** Time the trip's own items take on a day (an activity, a car handover, a flight, a check-in). */
export interface Busy {
  /** Local minutes since midnight. */
  start: number;
  end: number;
  /** Where the traveller is then, when known: the next stop is reached from there. */
  at: Point | null;
  what: string;
}

export interface DayInput {
  date: string;
  /** Local minutes since midnight. */
  start: number;
  end: number;
  /** Where the day begins and ends: the stay, or the destination's centre. */
  base: Point & { name: string };
  /** The trip's own items that day; no planned visit, nor the way to it, overlaps them. */
  busy?: readonly Busy[];
}

export interface ScheduledStop {
  poi: PlanPoi;
  travelMinutes: number;
  arrive: number;
  start: number;
  end: number;
}

export interface DaySchedule {
  day: DayInput;
  stops: ScheduledStop[];
  /** Including the way back to the base. */
  travelMinutes: number;
}

export type Travel = (a: Point, b: Point) => number;

function periods(poi: PlanPoi, date: string): [number, number][] {
  return (poi.openingHours[weekday(date)] ?? []).map(([o, c]) => [parseClock(o), parseClock(c)]);
}

/** Whether the place is open at some time on this date at all. */
export function openOn(poi: PlanPoi, date: string): boolean {
  return periods(poi, date).length > 0;
}

/**
 * Times for visiting `order` in that order: travel between stops, waiting for a place to open,
 * a whole visit inside one opening period, and back at the base before the day's end. The way to
 * a stop and the visit never overlap the day's busy times: a stop that would is moved after them,
 * and reached from where the traveller then is. Undefined when the order does not fit.
 */
export function scheduleDay(
  day: DayInput,
  order: readonly PlanPoi[],
  travel: Travel,
): DaySchedule | undefined {
  let t = day.start;
  let at: Point = day.base;
  let travelled = 0;
  const stops: ScheduledStop[] = [];
  const busy = day.busy ?? [];
  for (const poi of order) {
    // Each clash moves the departure to the end of a busy time, so this ends.
    for (;;) {
      const move = travel(at, poi);
      const arrive = t + move;
      const fit = periods(poi, day.date).find(
        ([open, close]) => Math.max(arrive, open) + poi.visitMinutes <= close,
      );
      if (!fit) return undefined;
      const start = Math.max(arrive, fit[0]);
      const end = start + poi.visitMinutes;
      const clash = busy.find((b) => b.start < end && b.end > t);
      if (clash) {
        t = clash.end;
        at = clash.at ?? at;
        continue;
      }
      stops.push({ poi, travelMinutes: move, arrive, start, end });
      travelled += move;
      t = end;
      at = poi;
      break;
    }
  }
  const back = travel(at, day.base);
  if (t + back > day.end) return undefined;
  return { day, stops, travelMinutes: travelled + back };
}
