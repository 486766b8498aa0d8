import { z } from 'zod';
import { limit } from '../../platform/http/schemas.js';
import { EVENT_TYPES } from './events.js';

export const ListQuery = z.object({ limit: limit(50, 200) });

export const Notification = z.object({
  id: z.uuid(),
  type: z.enum(EVENT_TYPES),
  /** The booking, trip … the event is about. */
  subjectId: z.uuid(),
  occurredAt: z.string(),
  status: z.enum(['pending', 'queued', 'sending', 'sent', 'failed']),
  subject: z.string().nullable(),
  attempts: z.number().int(),
  sentAt: z.string().nullable(),
});
export const NotificationList = z.object({ notifications: z.array(Notification) });
export type NotificationList = z.infer<typeof NotificationList>;

/** A notification as operators see it: whose it is, and where it went. */
export const OutboxEntry = Notification.extend({ recipient: z.string().nullable() });
export const Outbox = z.object({ notifications: z.array(OutboxEntry) });
export type Outbox = z.infer<typeof Outbox>;
export const OutboxQuery = ListQuery.extend({ recipient: z.email().max(320).optional() });
export const OutboxParams = z.object({ id: z.uuid() });

/** The email of a notification: as it was sent, or, before sending, as it would be sent now. */
export const OutboxMessage = z.object({
  id: z.uuid(),
  type: z.enum(EVENT_TYPES),
  status: Notification.shape.status,
  /** `sent`: the stored email; `preview`: rendered now, since it has not gone out. */
  source: z.enum(['sent', 'preview']),
  to: z.string().nullable(),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
  messageId: z.string().nullable(),
  sentAt: z.string().nullable(),
});
export type OutboxMessage = z.infer<typeof OutboxMessage>;

export const DeadLetter = z.object({
  id: z.uuid(),
  eventId: z.uuid(),
  type: z.enum(EVENT_TYPES).nullable(),
  recipient: z.string().nullable(),
  attempts: z.number().int(),
  error: z.string().nullable(),
  deadSince: z.string(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;

export const DeadLetterParams = z.object({ id: z.uuid() });
export const RetryAllResult = z.object({ queued: z.number().int() });
