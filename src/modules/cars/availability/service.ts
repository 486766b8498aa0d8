import { z } from 'zod';
import type { Cache } from '../../../platform/cache.js';
import type { Clock } from '../../../platform/clock.js';
import type { Database } from '../../../platform/db/pool.js';
import { badRequest } from '../../../platform/http/errors.js';
import { decodeCursor, encodeCursor } from '../../../platform/http/schemas.js';
import type { Metrics } from '../../../platform/observability/metrics.js';
import type { Db } from '../../database.js';
import { toCar } from '../fleet/service.js';
import { checkRentalWindow, rentalDays } from '../rental-window.js';
import { createSearchRepository } from './repository.js';
import type { SearchQuery, SearchResponse } from './schemas.js';

const SearchCursor = z.object({ k: z.number(), id: z.uuid() });

export function createAvailabilityService(deps: {
  db: Db;
  database: Database;
  cache: Cache;
  cacheTtlMs: number;
  metrics: Metrics;
  clock: Clock;
}) {
  const repo = createSearchRepository(deps.db, {
    pool: deps.database.pool,
    prepare: deps.database.kind === 'postgres',
  });
  const searches = deps.metrics.counter('voyage_searches_total', 'Car searches', ['outcome']);

  return {
    async searchCars(q: SearchQuery): Promise<SearchResponse> {
      let window: { from: Date; to: Date } | undefined;
      if (q.pickup && q.dropoff) {
        checkRentalWindow(q.pickup, q.dropoff, deps.clock.now());
        window = { from: q.pickup, to: q.dropoff };
      }
      const after = q.cursor ? decodeCursor(q.cursor, SearchCursor) : undefined;
      if (q.cursor && !after) throw badRequest('invalid_cursor', 'cursor is not valid');

      const cacheKey =
        deps.cacheTtlMs > 0
          ? `search:${JSON.stringify([q.lat, q.lng, q.radiusKm, window?.from, window?.to, q.class, q.maxDailyRate, q.seats, q.transmission, q.limit, q.cursor])}`
          : undefined;
      if (cacheKey) {
        const hit = await deps.cache.get<SearchResponse>(cacheKey);
        if (hit) {
          searches.inc({ outcome: 'cache_hit' });
          return hit;
        }
      }

      const rows = await repo.nearby({
        lat: q.lat,
        lng: q.lng,
        radiusM: q.radiusKm * 1000,
        limit: q.limit + 1,
        ...(window && { window }),
        ...(q.class && { carClass: q.class }),
        ...(q.maxDailyRate && { maxDailyRate: q.maxDailyRate }),
        ...(q.seats && { minSeats: q.seats }),
        ...(q.transmission && { transmission: q.transmission }),
        ...(after && { after: { key: after.k, id: after.id } }),
      });
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      const days = window ? rentalDays(window.from, window.to) : undefined;
      const response: SearchResponse = {
        cars: page.map((r) => ({
          ...toCar(r),
          distanceKm: Math.round(r.distance_m) / 1000,
          price: days ? { days, total: days * r.daily_rate, currency: r.currency.trim() } : null,
        })),
        nextCursor:
          rows.length > q.limit && last ? encodeCursor({ k: last.distance_key, id: last.id }) : null,
      };
      searches.inc({ outcome: response.cars.length > 0 ? 'results' : 'empty' });
      if (cacheKey) await deps.cache.set(cacheKey, response, deps.cacheTtlMs);
      return response;
    },
  };
}

export type AvailabilityService = ReturnType<typeof createAvailabilityService>;
