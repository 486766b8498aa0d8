import { z } from 'zod';
import type { Cache } from '../../../platform/cache.js';
import type { Clock } from '../../../platform/clock.js';
import type { ChangeFeed } from '../../../platform/db/change-feed.js';
import type { Database } from '../../../platform/db/pool.js';
import { badRequest } from '../../../platform/http/errors.js';
import { decodeCursor, encodeCursor } from '../../../platform/http/schemas.js';
import type { Health } from '../../../platform/observability/health.js';
import type { Logger } from '../../../platform/observability/logger.js';
import type { Metrics } from '../../../platform/observability/metrics.js';
import type { Db } from '../../database.js';
import { toCar } from '../fleet/service.js';
import { checkRentalWindow, rentalDays } from '../rental-window.js';
import { createModelRepository } from './model-repository.js';
import { createModelSync, type ModelSync } from './model-sync.js';
import { createSearchRepository, type SearchFilter, type SearchRow } from './repository.js';
import type { SearchQuery, SearchResponse } from './schemas.js';

const SearchCursor = z.object({ k: z.number(), id: z.uuid() });

export function createAvailabilityService(deps: {
  db: Db;
  database: Database;
  cache: Cache;
  cacheTtlMs: number;
  metrics: Metrics;
  clock: Clock;
  changes: ChangeFeed;
  health: Health;
  log: Logger;
  model: { enabled: boolean; sweepMs: number };
}) {
  const repo = createSearchRepository(deps.db, {
    pool: deps.database.pool,
    prepare: deps.database.kind === 'postgres',
  });
  const searches = deps.metrics.counter('voyage_searches_total', 'Car searches', ['outcome']);
  let sync: ModelSync | undefined;
  deps.metrics.gauge('voyage_search_model_cars', 'Cars in the in-memory search model', [], (g) => {
    g.set(sync?.ready ? sync.model.size : 0);
  });
  deps.metrics.gauge(
    'voyage_search_model_rows_applied',
    'Car rows the search model has re-read since it loaded (notifications and sweeps)',
    [],
    (g) => {
      g.set(sync?.stats.applied ?? 0);
    },
  );

  /** From the model once it has loaded; from SQL before that, or when the model is off. */
  async function nearby(f: SearchFilter): Promise<SearchRow[]> {
    if (sync?.ready) return sync.model.search(f);
    return repo.nearby(f);
  }

  return {
    async searchCars(q: SearchQuery): Promise<SearchResponse> {
      let window: { from: Date; to: Date } | undefined;
      if (q.pickup && q.dropoff) {
        checkRentalWindow(q.pickup, q.dropoff, deps.clock.now());
        window = { from: q.pickup, to: q.dropoff };
      }
      const after = q.cursor ? decodeCursor(q.cursor, SearchCursor) : undefined;
      if (q.cursor && !after) throw badRequest('invalid_cursor', 'cursor is not valid');

      // The model is as fresh as the notifications: a cache in front of it would only age it.
      const cacheKey =
        deps.cacheTtlMs > 0 && !sync?.ready
          ? `search:${JSON.stringify([q.lat, q.lng, q.radiusKm, window?.from, window?.to, q.class, q.maxDailyRate, q.seats, q.transmission, q.limit, q.cursor])}`
          : undefined;
      if (cacheKey) {
        const hit = await deps.cache.get<SearchResponse>(cacheKey);
        if (hit) {
          searches.inc({ outcome: 'cache_hit' });
          return hit;
        }
      }

      const rows = await nearby({
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

    /**
     * Loads the search model and keeps it current; readiness waits for it. A no-op when the model
     * is turned off (SEARCH_MODEL=false): every search stays a query.
     */
    async startModel(): Promise<void> {
      if (!deps.model.enabled || sync) return;
      const s = createModelSync({
        repo: createModelRepository(deps.database.pool),
        feed: deps.changes,
        log: deps.log,
        sweepMs: deps.model.sweepMs,
      });
      sync = s;
      deps.health.register('search-model', async () =>
        s.ready
          ? { ok: true, detail: { cars: s.model.size, feed: s.connected ? 'listening' : 'reconnecting' } }
          : { ok: false, detail: 'loading' },
      );
      await s.start();
    },

    /** The running model, for tests and the benchmark's freshness probe. */
    get model(): ModelSync | undefined {
      return sync;
    },

    async stopModel(): Promise<void> {
      await sync?.stop();
    },
  };
}

export type AvailabilityService = ReturnType<typeof createAvailabilityService>;
