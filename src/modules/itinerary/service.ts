import type { Clock } from '../../platform/clock.js';
import { formatClock, weekday, zonedInstant } from '../../platform/dates.js';
import type { Principal } from '../../platform/http/auth.js';
import { badRequest, conflict, notFound } from '../../platform/http/errors.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { Metrics } from '../../platform/observability/metrics.js';
import type { Db } from '../database.js';
import type { FlagsService } from '../flags/service.js';
import type { NotificationsService } from '../notifications/service.js';
import type { PoisService } from '../pois/service.js';
import type { TripsService } from '../trips/service.js';
import type { TripRow } from '../trips/tables.js';
import { ChoiceError, evaluateChoice } from './choices.js';
import { dayInputs } from './days.js';
import { type LlmClient, LlmError } from './llm.js';
import { PACES, type PlanOutcome, planBuiltIn, wantedPlaces } from './planner.js';
import { createItineraryRepository, type PlanRow } from './repository.js';
import type { DayInput, DaySchedule, PlanPoi } from './scheduler.js';
import type { Plan, PlanDay, PlanRequest } from './schemas.js';
import { travelMinutes } from './travel.js';
import { emptyDayWarnings } from './warnings.js';

export const LLM_FLAG = 'planner.llm';
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function toPlan(r: PlanRow, timeZone: string): Plan {
  return {
    id: r.id,
    tripId: r.trip_id,
    source: r.source,
    fallbackReason: r.fallback_reason,
    request: r.request as PlanRequest,
    timeZone,
    days: r.days as PlanDay[],
    totalTravelMinutes: r.total_travel_minutes,
    warnings: r.warnings,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
  };
}

function toPlanDay(s: DaySchedule, timeZone: string): PlanDay {
  const at = (minutes: number) => zonedInstant(s.day.date, formatClock(minutes), timeZone).toISOString();
  return {
    date: s.day.date,
    base: { name: s.day.base.name, lat: s.day.base.lat, lng: s.day.base.lng },
    window: { start: formatClock(s.day.start), end: formatClock(s.day.end) },
    travelMinutes: s.travelMinutes,
    stops: s.stops.map((x) => ({
      poiId: x.poi.id,
      name: x.poi.name,
      category: x.poi.category,
      lat: x.poi.lat,
      lng: x.poi.lng,
      travelMinutes: x.travelMinutes,
      visitMinutes: x.poi.visitMinutes,
      arrive: formatClock(x.arrive),
      start: formatClock(x.start),
      end: formatClock(x.end),
      startAt: at(x.start),
      endAt: at(x.end),
    })),
  };
}

function prompt(
  trip: TripRow,
  days: DayInput[],
  catalogue: PlanPoi[],
  request: PlanRequest,
  maxStops: number,
) {
  return {
    system: [
      'You plan city itineraries for a travel service.',
      'Choose which places to visit on which day, only from the catalogue given, by id.',
      `At most ${maxStops} places a day; every must-see exactly once; no place twice.`,
      'Only choose a place on a day it is open, and keep each day geographically compact.',
      'Places above the budget price level are allowed only when they are must-sees.',
      'Answer with JSON matching the schema and nothing else.',
    ].join(' '),
    user: {
      city: trip.destination,
      days: days.map((d) => ({
        date: d.date,
        weekday: WEEKDAYS[weekday(d.date)],
        from: formatClock(d.start),
        to: formatClock(d.end),
        busy: (d.busy ?? []).map((b) => `${formatClock(b.start)}-${formatClock(b.end)} ${b.what}`),
      })),
      travellers: trip.travellers,
      pace: request.pace,
      budget: request.budget,
      interests: request.interests,
      mustSee: request.mustSee,
      catalogue: catalogue.map((p) => ({
        id: p.id,
        name: p.name,
        category: p.category,
        lat: p.lat,
        lng: p.lng,
        visitMinutes: p.visitMinutes,
        priceLevel: p.priceLevel,
        open: p.openingHours.map(
          (periods, i) => `${WEEKDAYS[i]} ${periods.map(([o, c]) => `${o}-${c}`).join(',') || 'closed'}`,
        ),
      })),
    },
  };
}

export interface ItineraryDeps {
  db: Db;
  trips: TripsService;
  pois: PoisService;
  flags: FlagsService;
  notifications: NotificationsService;
  llm: LlmClient | undefined;
  clock: Clock;
  metrics: Metrics;
  log: Logger;
}

export function createItineraryService(deps: ItineraryDeps) {
  const { db, trips, pois, flags, notifications, llm, log } = deps;
  const repo = createItineraryRepository(db);
  const plans = deps.metrics.counter(
    'voyage_plans_total',
    'Itinerary plans by source and LLM fallback reason',
    ['source', 'fallback'],
  );

  async function propose(
    who: Principal,
    trip: TripRow,
    days: DayInput[],
    catalogue: PlanPoi[],
    request: PlanRequest,
  ): Promise<{ outcome: PlanOutcome; source: 'builtin' | 'llm'; fallbackReason: string | null }> {
    const maxStops = PACES[request.pace].maxStops;
    const prefs = {
      interests: request.interests,
      budget: request.budget,
      mustSee: request.mustSee,
      maxStops,
    };
    const builtIn = () => planBuiltIn(days, catalogue, prefs, travelMinutes);
    if (!(await flags.isEnabled(LLM_FLAG, who.userId)))
      return { outcome: builtIn(), source: 'builtin', fallbackReason: null };
    if (!llm) return { outcome: builtIn(), source: 'builtin', fallbackReason: 'llm_not_configured' };
    try {
      const choice = await llm.choose(prompt(trip, days, catalogue, request, maxStops));
      return {
        outcome: evaluateChoice(choice, days, catalogue, prefs, travelMinutes),
        source: 'llm',
        fallbackReason: null,
      };
    } catch (err) {
      if (!(err instanceof LlmError) && !(err instanceof ChoiceError)) throw err;
      const reason = `${err.reason}: ${err.message}`;
      log.warn({ tripId: trip.id, reason }, 'LLM plan not used; the built-in planner planned instead');
      return { outcome: builtIn(), source: 'builtin', fallbackReason: reason };
    }
  }

  return {
    async plan(tripId: string, who: Principal, request: PlanRequest): Promise<Plan> {
      const { trip } = await trips.authorize(tripId, who, 'edit');
      const catalogue: PlanPoi[] = await pois.inCity({ city: trip.destination, limit: 500 });
      if (catalogue.length === 0)
        throw conflict('no_catalogue', `Voyage has no points of interest for ${trip.destination} yet`);
      const unknown = request.mustSee.filter((id) => !catalogue.some((p) => p.id === id));
      if (unknown.length)
        throw badRequest('unknown_poi', `Not places in ${trip.destination}: ${unknown.join(', ')}`, {
          unknown,
        });
      const centre = {
        lat: trip.destination_lat ?? catalogue.reduce((s, p) => s + p.lat, 0) / catalogue.length,
        lng: trip.destination_lng ?? catalogue.reduce((s, p) => s + p.lng, 0) / catalogue.length,
      };
      const items = await trips.itemsOf(trip);
      const days = dayInputs(trip, items, request.pace, centre);
      // A place the trip already visits as an activity is not planned again.
      const visited = new Set(
        items.filter((i) => i.kind === 'activity' && i.refId).map((i) => i.refId as string),
      );
      const open = catalogue.filter((p) => !visited.has(p.id));
      const asked = { ...request, mustSee: request.mustSee.filter((id) => !visited.has(id)) };
      const { outcome, source, fallbackReason } = await propose(who, trip, days, open, asked);
      const warnings = outcome.unplaced.map(
        (p) => `${p.name} did not fit: closed, too far or no room on the trip's days`,
      );
      const wanted = wantedPlaces(open, { ...asked, maxStops: PACES[request.pace].maxStops });
      warnings.push(...emptyDayWarnings(outcome.days, wanted));
      const planDays = outcome.days.map((d) => toPlanDay(d, trip.time_zone));
      const total = planDays.reduce((s, d) => s + d.travelMinutes, 0);
      const stops = planDays.reduce((s, d) => s + d.stops.length, 0);
      const row = await db.transaction().execute(async (tx) => {
        const inserted = await repo.insert(
          {
            trip_id: trip.id,
            created_by: who.userId,
            source,
            fallback_reason: fallbackReason,
            request,
            days: planDays,
            warnings,
            total_travel_minutes: total,
          },
          tx,
        );
        await notifications.emit(tx, {
          type: 'plan.ready',
          aggregateId: trip.id,
          recipient: { userId: who.userId },
          payload: { tripId: trip.id, tripName: trip.name, days: planDays.length, stops, source },
        });
        return inserted;
      });
      plans.inc({ source, fallback: fallbackReason ? fallbackReason.split(':')[0]! : 'none' });
      return toPlan(row, trip.time_zone);
    },

    async latest(tripId: string, who: Principal): Promise<Plan> {
      const { trip } = await trips.authorize(tripId, who, 'read');
      const row = await repo.latest(tripId);
      if (!row) throw notFound('plan_not_found', 'This trip has no plan yet');
      return toPlan(row, trip.time_zone);
    },

    /** For exports, which authorise the trip themselves. */
    async latestOf(trip: TripRow): Promise<Plan | undefined> {
      const row = await repo.latest(trip.id);
      return row ? toPlan(row, trip.time_zone) : undefined;
    },
  };
}

export type ItineraryService = ReturnType<typeof createItineraryService>;
