import { z } from 'zod';
import { limit } from '../../platform/http/schemas.js';

export const PLACE_KINDS = ['city', 'airport', 'location'] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];

export const PlaceQuery = z
  .object({
    q: z.string().trim().min(1).max(100),
    kind: z.enum(PLACE_KINDS).optional(),
    limit: limit(8, 20),
  })
  .strict();
export type PlaceQuery = z.infer<typeof PlaceQuery>;

export const Place = z.object({
  kind: z.enum(PLACE_KINDS),
  /** The city's name, the airport's IATA code or the rental location's id. */
  id: z.string(),
  name: z.string(),
  /** How the place reads in a list: "Paris, FR", "CDG · Paris Charles de Gaulle", "Gare de Lyon, Paris". */
  label: z.string(),
  city: z.string(),
  country: z.string(),
  lat: z.number(),
  lng: z.number(),
  timeZone: z.string(),
});
export type Place = z.infer<typeof Place>;

export const PlaceList = z.object({ places: z.array(Place) });
