import type { ColumnType, Generated } from 'kysely';

export const POI_CATEGORIES = [
  'museum',
  'landmark',
  'park',
  'viewpoint',
  'market',
  'neighbourhood',
  'religious',
  'food',
  'nightlife',
  'shopping',
  'beach',
] as const;
export type PoiCategory = (typeof POI_CATEGORIES)[number];

/** Monday first; each day a list of [open, close] "HH:MM" pairs, empty when closed. */
export type OpeningHours = [string, string][][];

export interface PoisTable {
  id: Generated<string>;
  city: string;
  country: string;
  name: string;
  category: PoiCategory;
  lat: number;
  lng: number;
  visit_minutes: number;
  price_level: number;
  opening_hours: ColumnType<OpeningHours, string, string>;
  time_zone: string;
  description: ColumnType<string, string | undefined, string>;
  created_at: Generated<Date>;
}

export interface PoisTables {
  pois: PoisTable;
}
