import { formatClock, weekday } from '../../platform/dates.js';
import { type DayInput, type DaySchedule, openOn, type PlanPoi } from './scheduler.js';

const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
/** Less free time than this in a day's window is no room for a visit. */
const MIN_FREE_MINUTES = 45;

/** Minutes of the day's window that the trip's own items leave free. */
export function freeMinutes(day: DayInput): number {
  const cuts = (day.busy ?? [])
    .map((b) => [Math.max(b.start, day.start), Math.min(b.end, day.end)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let taken = 0;
  let reach = day.start;
  for (const [a, b] of cuts) {
    if (b <= reach) continue;
    taken += b - Math.max(a, reach);
    reach = b;
  }
  return Math.max(0, day.end - day.start - taken);
}

/**
 * One warning for each day the plan leaves empty, saying why, from the likeliest cause down:
 * no window at all, a window the trip's own items fill, no wanted place open that weekday, every
 * such place planned on another day, or none fitting the free time and opening hours.
 */
export function emptyDayWarnings(schedules: readonly DaySchedule[], wanted: readonly PlanPoi[]): string[] {
  const planned = new Set(schedules.flatMap((s) => s.stops.map((x) => x.poi.id)));
  const out: string[] = [];
  for (const { day, stops } of schedules) {
    if (stops.length > 0) continue;
    const empty = `${day.date}: nothing planned`;
    if (day.end <= day.start) {
      out.push(`${empty}, no time left around the flights`);
      continue;
    }
    if (freeMinutes(day) < MIN_FREE_MINUTES) {
      const what = (day.busy ?? [])
        .filter((b) => b.end > day.start && b.start < day.end)
        .map((b) => `${b.what} ${formatClock(b.start)}–${formatClock(b.end)}`);
      out.push(`${empty}, the day is taken by the trip's own items (${what.join('; ')})`);
      continue;
    }
    const open = wanted.filter((p) => openOn(p, day.date));
    if (wanted.length === 0) out.push(`${empty}, no place matches the interests and budget`);
    else if (open.length === 0)
      out.push(
        `${empty}, no place matching the interests and budget is open on ${WEEKDAY_NAMES[weekday(day.date)]}s`,
      );
    else if (open.every((p) => planned.has(p.id)))
      out.push(
        `${empty}, every place matching the interests and budget open that day is planned on another day`,
      );
    else
      out.push(
        `${empty}, no place left fits the free time between ${formatClock(day.start)} and ${formatClock(day.end)} (opening hours, travel from ${day.base.name})`,
      );
  }
  return out;
}
