import { z } from 'zod';
import { limit } from '../../platform/http/schemas.js';
import { EVENT_TYPES } from './events.js';

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

export const ListQuery = z.object({ limit: limit(50, 200) });
export const DeadLetterParams = z.object({ id: z.uuid() });
export const RetryAllResult = z.object({ queued: z.number().int() });
