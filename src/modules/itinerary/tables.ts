import type { ColumnType, Generated } from 'kysely';

type Json<T> = ColumnType<T, string, string>;

export interface TripPlansTable {
  id: Generated<string>;
  trip_id: string;
  created_by: string | null;
  source: 'builtin' | 'llm';
  fallback_reason: string | null;
  request: Json<unknown>;
  days: Json<unknown>;
  warnings: Json<string[]>;
  total_travel_minutes: number;
  created_at: Generated<Date>;
}

export interface ItineraryTables {
  trip_plans: TripPlansTable;
}
