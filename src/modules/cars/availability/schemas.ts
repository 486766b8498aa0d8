import { z } from 'zod';
import { cursorParam, isoDateTime, latitude, limit, longitude } from '../../../platform/http/schemas.js';
import { Car } from '../fleet/schemas.js';
import { CAR_CLASSES, TRANSMISSIONS } from '../fleet/tables.js';

export const SearchQuery = z
  .object({
    lat: latitude,
    lng: longitude,
    radiusKm: z.coerce.number().gt(0).max(200).default(10),
    pickup: isoDateTime.optional(),
    dropoff: isoDateTime.optional(),
    class: z.enum(CAR_CLASSES).optional(),
    maxDailyRate: z.coerce.number().int().min(1).optional(),
    /** At least this many seats. */
    seats: z.coerce.number().int().min(1).max(20).optional(),
    transmission: z.enum(TRANSMISSIONS).optional(),
    limit: limit(20, 100),
    cursor: cursorParam,
  })
  .strict()
  .refine((q) => (q.pickup === undefined) === (q.dropoff === undefined), {
    message: 'pickup and dropoff go together',
    path: ['dropoff'],
  });
export type SearchQuery = z.infer<typeof SearchQuery>;

export const SearchResult = Car.extend({
  distanceKm: z.number(),
  price: z.object({ days: z.number().int(), total: z.number().int(), currency: z.string() }).nullable(),
});
export type SearchResult = z.infer<typeof SearchResult>;

export const SearchResponse = z.object({
  cars: z.array(SearchResult),
  nextCursor: z.string().nullable(),
});
export type SearchResponse = z.infer<typeof SearchResponse>;
