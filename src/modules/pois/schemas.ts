import { z } from 'zod';
import { latitude, limit, longitude, timeZone } from '../../platform/http/schemas.js';
import { POI_CATEGORIES } from './tables.js';

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a time like 09:30');
const period = z
  .tuple([clock, clock])
  .refine(([open, close]) => open < close, 'opening must come before closing');

export const OpeningHours = z.array(z.array(period).max(4)).length(7, 'one entry per weekday, Monday first');

export const PoiCreate = z.object({
  city: z.string().trim().min(1).max(120),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code'),
  name: z.string().trim().min(1).max(160),
  category: z.enum(POI_CATEGORIES),
  lat: latitude,
  lng: longitude,
  visitMinutes: z.number().int().min(10).max(600),
  priceLevel: z.number().int().min(0).max(4),
  openingHours: OpeningHours,
  timeZone,
  description: z.string().trim().max(1000).default(''),
});
export type PoiCreate = z.infer<typeof PoiCreate>;

export const Poi = z.object({
  id: z.uuid(),
  city: z.string(),
  country: z.string(),
  name: z.string(),
  category: z.enum(POI_CATEGORIES),
  lat: z.number(),
  lng: z.number(),
  visitMinutes: z.number().int(),
  priceLevel: z.number().int(),
  openingHours: z.array(z.array(z.tuple([z.string(), z.string()]))),
  timeZone: z.string(),
  description: z.string(),
});
export type Poi = z.infer<typeof Poi>;

export const PoiQuery = z
  .object({
    city: z.string().trim().min(1).max(120),
    category: z.enum(POI_CATEGORIES).optional(),
    limit: limit(100, 500),
  })
  .strict();
export type PoiQuery = z.infer<typeof PoiQuery>;

export const City = z.object({
  city: z.string(),
  country: z.string(),
  timeZone: z.string(),
  lat: z.number(),
  lng: z.number(),
  pois: z.number().int(),
});
export type City = z.infer<typeof City>;
