import type { LlmChoice } from './llm.js';
import { arrangeDay, type PlanOutcome, type Preferences } from './planner.js';
import type { DayInput, PlanPoi, Travel } from './scheduler.js';

export class ChoiceError extends Error {
  readonly reason = 'llm_violates_constraints';
}

/**
 * Checks an outside proposal (which places on which day) against the catalogue and the trip's
 * constraints, and schedules it with Voyage's own optimiser. Any breach throws ChoiceError.
 */
export function evaluateChoice(
  choice: LlmChoice,
  days: readonly DayInput[],
  catalogue: readonly PlanPoi[],
  prefs: Preferences,
  travel: Travel,
): PlanOutcome {
  const byId = new Map(catalogue.map((p) => [p.id, p]));
  const byDate = new Map(days.map((d) => [d.date, d]));
  const seenDates = new Set<string>();
  const seenPois = new Set<string>();
  const chosen = new Map<string, PlanPoi[]>();
  for (const d of choice.days) {
    if (!byDate.has(d.date)) throw new ChoiceError(`${d.date} is not a day of the trip`);
    if (seenDates.has(d.date)) throw new ChoiceError(`${d.date} is planned twice`);
    seenDates.add(d.date);
    if (d.poiIds.length > prefs.maxStops)
      throw new ChoiceError(`${d.date} has more than ${prefs.maxStops} places`);
    const places: PlanPoi[] = [];
    for (const id of d.poiIds) {
      const poi = byId.get(id);
      if (!poi) throw new ChoiceError(`${id} is not in the catalogue for this city`);
      if (seenPois.has(id)) throw new ChoiceError(`${poi.name} is chosen twice`);
      if (poi.priceLevel > prefs.budget && !prefs.mustSee.includes(id))
        throw new ChoiceError(`${poi.name} is over the budget`);
      seenPois.add(id);
      places.push(poi);
    }
    chosen.set(d.date, places);
  }
  const missing = prefs.mustSee.filter((id) => !seenPois.has(id));
  if (missing.length)
    throw new ChoiceError(`must-see ${missing.map((id) => byId.get(id)?.name ?? id).join(', ')} left out`);
  return {
    days: days.map((day) => {
      const places = chosen.get(day.date) ?? [];
      const schedule = arrangeDay(day, places, travel);
      if (!schedule)
        throw new ChoiceError(`${day.date}: the places chosen do not fit the opening hours and the day`);
      return schedule;
    }),
    unplaced: [],
  };
}
