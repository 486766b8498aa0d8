/**
 * How much travel the itinerary planner's optimiser saves. For every demo city it routes random
 * sets of places from the city centre in the catalogue's order (the naive baseline), by nearest
 * neighbour, and by nearest neighbour + 2-opt; then it plans 3-day trips with the built-in planner
 * and compares each day's travel with the same places in catalogue order. Prints a table and
 * writes bench/results/itinerary-planner.json.
 *
 *   npm run bench:planner
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_POIS, demoPois } from '../src/demo/pois.js';
import { prng } from '../src/demo/seed.js';
import { nearestNeighbour, optimiseRoute, routeCost } from '../src/modules/itinerary/optimizer.js';
import { naiveMinutes, PACES, planBuiltIn } from '../src/modules/itinerary/planner.js';
import type { DayInput, PlanPoi } from '../src/modules/itinerary/scheduler.js';
import { travelMinutes } from '../src/modules/itinerary/travel.js';
import { addDays, parseClock } from '../src/platform/dates.js';

const ROUTES_PER_CITY = 200;
const r = prng(2027);

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const pct = (saved: number, of: number) => Math.round((1000 * saved) / of) / 10;

const all = demoPois().map((p, i) => ({ ...p, id: `poi-${i}` })) as (PlanPoi & { city: string })[];
const perCity = DEMO_POIS.map((c) => {
  const pois = all.filter((p) => p.city === c.city);
  const centre = {
    name: `${c.city} centre`,
    lat: sum(pois.map((p) => p.lat)) / pois.length,
    lng: sum(pois.map((p) => p.lng)) / pois.length,
  };
  return { city: c.city, pois, centre };
});

// 1. Routes over random sets of places.
const routeRows = perCity.map(({ city, pois, centre }) => {
  const naive: number[] = [];
  const nn: number[] = [];
  const opt: number[] = [];
  for (let i = 0; i < ROUTES_PER_CITY; i++) {
    const k = Math.min(pois.length, r.int(4, 8));
    const picked = [...pois].sort(() => r.next() - 0.5).slice(0, k);
    // The baseline visits them in catalogue order.
    picked.sort((a, b) => pois.indexOf(a) - pois.indexOf(b));
    naive.push(routeCost(centre, picked, travelMinutes));
    nn.push(routeCost(centre, nearestNeighbour(centre, picked, travelMinutes), travelMinutes));
    opt.push(routeCost(centre, optimiseRoute(centre, picked, travelMinutes), travelMinutes));
  }
  return { city, naive: sum(naive), nearestNeighbour: sum(nn), twoOpt: sum(opt) };
});

// 2. Whole plans: 3 days, moderate pace, starting on a Monday.
const started = performance.now();
const planRows = perCity.map(({ city, pois, centre }) => {
  const pace = PACES.moderate;
  const days: DayInput[] = [0, 1, 2].map((d) => ({
    date: addDays('2027-05-03', d),
    start: parseClock(pace.start),
    end: parseClock(pace.end),
    base: centre,
  }));
  const out = planBuiltIn(
    days,
    pois,
    { interests: [], budget: 4, mustSee: [], maxStops: pace.maxStops },
    travelMinutes,
  );
  const planned = sum(out.days.map((d) => d.travelMinutes));
  const naive = sum(
    out.days.map((d) =>
      naiveMinutes(
        d.day,
        [...d.stops.map((s) => s.poi)].sort((a, b) => pois.indexOf(a as never) - pois.indexOf(b as never)),
        travelMinutes,
      ),
    ),
  );
  return { city, stops: sum(out.days.map((d) => d.stops.length)), planned, naive };
});
const planMs = (performance.now() - started) / planRows.length;

const totals = {
  routes: {
    naive: sum(routeRows.map((x) => x.naive)),
    nearestNeighbour: sum(routeRows.map((x) => x.nearestNeighbour)),
    twoOpt: sum(routeRows.map((x) => x.twoOpt)),
  },
  plans: { naive: sum(planRows.map((x) => x.naive)), planned: sum(planRows.map((x) => x.planned)) },
};
const summary = {
  routesPerCity: ROUTES_PER_CITY,
  cities: perCity.length,
  nearestNeighbourSavesPercent: pct(
    totals.routes.naive - totals.routes.nearestNeighbour,
    totals.routes.naive,
  ),
  twoOptSavesPercent: pct(totals.routes.naive - totals.routes.twoOpt, totals.routes.naive),
  twoOptOverNearestNeighbourPercent: pct(
    totals.routes.nearestNeighbour - totals.routes.twoOpt,
    totals.routes.nearestNeighbour,
  ),
  plansSavePercent: pct(totals.plans.naive - totals.plans.planned, totals.plans.naive),
  msPerThreeDayPlan: Math.round(planMs * 100) / 100,
};

console.log('Travel minutes over random sets of 4–8 places, from the city centre and back:');
console.table(
  routeRows.map((x) => ({
    city: x.city,
    naive: x.naive,
    'nearest neighbour': x.nearestNeighbour,
    '+ 2-opt': x.twoOpt,
    'saved %': pct(x.naive - x.twoOpt, x.naive),
  })),
);
console.log(
  'Built-in planner, 3-day trips: travel of each day as planned vs the same places in catalogue order:',
);
console.table(
  planRows.map((x) => ({
    city: x.city,
    stops: x.stops,
    naive: x.naive,
    planned: x.planned,
    'saved %': pct(x.naive - x.planned, x.naive),
  })),
);
console.log(summary);

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'itinerary-planner.json');
await writeFile(
  out,
  `${JSON.stringify({ recordedAt: new Date().toISOString(), node: process.version, summary, totals, routes: routeRows, plans: planRows }, null, 2)}\n`,
);
console.log(`written to ${path.relative(process.cwd(), out)}`);
