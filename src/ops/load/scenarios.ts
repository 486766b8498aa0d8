import { randomUUID } from 'node:crypto';
import type { Request as AutocannonRequest } from 'autocannon';
import { DEMO_CITIES } from '../../demo/data.js';
import { CAR_CLASSES } from '../../modules/cars/fleet/tables.js';

/**
 * Load scenarios as autocannon request sequences. Each connection loops over its sequence; a step
 * that decides not to run (a browse that ends without booking) sends the connection back to the
 * first step with a fresh context, as a new visitor.
 */
export const SCENARIOS = ['search', 'booking', 'mixed'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface LoadUser {
  email: string;
  password: string;
  accessToken: string;
}

/** Responses each step expects; anything else is "unexpected" (a broken run, or rate limits). */
export interface StepStats {
  step: string;
  expected: number[];
  statuses: Record<string, number>;
}

export interface Scenario {
  name: ScenarioName;
  needsUsers: boolean;
  requests: AutocannonRequest[];
  steps: StepStats[];
}

export interface ScenarioOptions {
  users: LoadUser[];
  random?: () => number;
}

interface VisitContext {
  user?: LoadUser;
  pickup?: string;
  dropoff?: string;
  carIds?: string[];
  bookingId?: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function createScenario(name: ScenarioName, opts: ScenarioOptions): Scenario {
  const random = opts.random ?? Math.random;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const steps: StepStats[] = [];
  const track = (step: string, expected: number[]) => {
    const stats: StepStats = { step, expected, statuses: {} };
    steps.push(stats);
    return (status: number) => {
      stats.statuses[status] = (stats.statuses[status] ?? 0) + 1;
    };
  };

  /** A traveller looking near a demo city: a radius, usually dates, sometimes a car class. */
  const searchStep = (withDates: boolean): AutocannonRequest => {
    const count = track(withDates ? 'search with dates' : 'search', [200]);
    return {
      method: 'GET',
      setupRequest: (req, context) => {
        const ctx = context as VisitContext;
        const city = pick(DEMO_CITIES);
        const jitter = () => (random() - 0.5) * 0.08; // within a few kilometres of the centre
        const qs = new URLSearchParams({
          lat: (city.lat + jitter()).toFixed(5),
          lng: (city.lng + jitter()).toFixed(5),
          radiusKm: String(pick([5, 10, 25, 50])),
          limit: '20',
        });
        if (withDates || random() < 0.6) {
          // Whole hours 1–180 days ahead, 1–7 days long, as people book.
          const start = Math.ceil(Date.now() / HOUR) * HOUR + (1 + Math.floor(random() * 180)) * DAY;
          ctx.pickup = new Date(start + Math.floor(random() * 24) * HOUR).toISOString();
          ctx.dropoff = new Date(Date.parse(ctx.pickup) + (1 + Math.floor(random() * 7)) * DAY).toISOString();
          qs.set('pickup', ctx.pickup);
          qs.set('dropoff', ctx.dropoff);
        }
        if (random() < 0.2) qs.set('class', pick(CAR_CLASSES));
        return { ...req, path: `/search?${qs}` };
      },
      onResponse: (status, body, context) => {
        count(status);
        if (status !== 200) return;
        const cars = (JSON.parse(body) as { cars: { id: string }[] }).cars;
        (context as VisitContext).carIds = cars.map((c) => c.id);
      },
    };
  };

  /** Books one of the cars found (201), or finds it just taken (409). */
  const bookStep = (probability: number): AutocannonRequest => {
    const count = track('book', [201, 409]);
    return {
      method: 'POST',
      setupRequest: (req, context) => {
        const ctx = context as VisitContext;
        if (!ctx.carIds?.length || !ctx.pickup || random() >= probability) return undefined as never;
        ctx.user = pick(opts.users);
        return {
          ...req,
          path: '/bookings',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${ctx.user.accessToken}`,
            'idempotency-key': randomUUID(),
          },
          body: JSON.stringify({ carId: pick(ctx.carIds), pickupTime: ctx.pickup, dropoffTime: ctx.dropoff }),
        };
      },
      onResponse: (status, body, context) => {
        count(status);
        if (status === 201) (context as VisitContext).bookingId = (JSON.parse(body) as { id: string }).id;
      },
    };
  };

  /** Some travellers change their minds, which also keeps cars free for later visitors. */
  const cancelStep = (probability: number): AutocannonRequest => {
    const count = track('cancel', [200]);
    return {
      method: 'POST',
      setupRequest: (req, context) => {
        const ctx = context as VisitContext;
        if (!ctx.bookingId || !ctx.user || random() >= probability) return undefined as never;
        return {
          ...req,
          path: `/bookings/${ctx.bookingId}/cancel`,
          headers: { authorization: `Bearer ${ctx.user.accessToken}` },
          body: undefined,
        };
      },
      onResponse: (status) => count(status),
    };
  };

  switch (name) {
    case 'search':
      return { name, needsUsers: false, requests: [searchStep(false)], steps };
    case 'booking':
      return { name, needsUsers: true, requests: [searchStep(true), bookStep(1), cancelStep(0.3)], steps };
    case 'mixed':
      // About one visit in four goes on to book: 40 % of the 60 % that search with dates.
      return {
        name,
        needsUsers: true,
        requests: [searchStep(false), bookStep(0.4), cancelStep(0.3)],
        steps,
      };
  }
}
