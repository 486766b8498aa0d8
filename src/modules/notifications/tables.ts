import type { ColumnType, Generated } from 'kysely';
import type { EventType } from './events.js';

export type DeliveryStatus = 'sending' | 'sent' | 'failed';

export interface OutboxEventsTable {
  id: Generated<string>;
  type: EventType;
  aggregate_id: string;
  recipient_user_id: string | null;
  recipient_email: string | null;
  payload: ColumnType<unknown, string, string>;
  occurred_at: Generated<Date>;
  relayed_at: Date | null;
}

export interface NotificationDeliveriesTable {
  event_id: string;
  recipient: string;
  status: DeliveryStatus;
  attempts: number;
  subject: string | null;
  message_id: string | null;
  /** The email as sent. */
  body_text: string | null;
  body_html: string | null;
  last_error: string | null;
  claimed_at: Date | null;
  sent_at: Date | null;
}

export interface NotificationsTables {
  outbox_events: OutboxEventsTable;
  notification_deliveries: NotificationDeliveriesTable;
}
