import type { Point } from './travel.js';

export type Cost = (a: Point, b: Point) => number;

/** Minutes of travel from `start` through `order`, and back to `start` when `closed`. */
export function routeCost<T extends Point>(
  start: Point,
  order: readonly T[],
  cost: Cost,
  closed = true,
): number {
  let total = 0;
  let prev: Point = start;
  for (const p of order) {
    total += cost(prev, p);
    prev = p;
  }
  return closed ? total + cost(prev, start) : total;
}

/** Greedy tour: from `start`, always on to the nearest place not yet visited. */
export function nearestNeighbour<T extends Point>(start: Point, places: readonly T[], cost: Cost): T[] {
  const left = [...places];
  const order: T[] = [];
  let at: Point = start;
  while (left.length > 0) {
    let best = 0;
    for (let i = 1; i < left.length; i++) if (cost(at, left[i]!) < cost(at, left[best]!)) best = i;
    const [next] = left.splice(best, 1);
    order.push(next!);
    at = next!;
  }
  return order;
}

/**
 * 2-opt: reverses any stretch of the tour whose reversal shortens it, until none does. The start
 * stays first (the day begins and, when `closed`, ends there).
 */
export function twoOpt<T extends Point>(start: Point, order: readonly T[], cost: Cost, closed = true): T[] {
  const tour = [...order];
  const at = (i: number): Point => (i < 0 ? start : i >= tour.length ? start : tour[i]!);
  let improved = true;
  while (improved) {
    improved = false;
    for (let i = 0; i < tour.length - 1; i++) {
      for (let k = i + 1; k < tour.length; k++) {
        // Edges (i-1 → i) and (k → k+1) become (i-1 → k) and (i → k+1).
        const before = cost(at(i - 1), at(i)) + (closed || k + 1 < tour.length ? cost(at(k), at(k + 1)) : 0);
        const after = cost(at(i - 1), at(k)) + (closed || k + 1 < tour.length ? cost(at(i), at(k + 1)) : 0);
        if (after < before - 1e-9) {
          const reversed = tour.slice(i, k + 1).reverse();
          tour.splice(i, reversed.length, ...reversed);
          improved = true;
        }
      }
    }
  }
  return tour;
}

/** Nearest neighbour, then 2-opt. */
export function optimiseRoute<T extends Point>(
  start: Point,
  places: readonly T[],
  cost: Cost,
  closed = true,
): T[] {
  return twoOpt(start, nearestNeighbour(start, places, cost), cost, closed);
}
