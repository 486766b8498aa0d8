import type { Generated } from 'kysely';

export interface CalendarFeedsTable {
  id: Generated<string>;
  trip_id: string;
  user_id: string;
  token_hash: string;
  created_at: Generated<Date>;
  revoked_at: Date | null;
}

export interface ExportsTables {
  calendar_feeds: CalendarFeedsTable;
}
