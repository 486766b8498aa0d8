import type { AuditLog } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import { sqlExecutor } from '../../platform/db/kysely.js';
import { notFound } from '../../platform/http/errors.js';
import type { Jobs } from '../../platform/jobs.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { Metrics } from '../../platform/observability/metrics.js';
import type { Db } from '../database.js';
import type { IdentityService } from '../identity/service.js';
import type { DomainEvent } from './events.js';
import type { Mailer } from './mailer.js';
import { createNotificationsRepository } from './repository.js';
import type { DeadLetter, NotificationList, Outbox, OutboxMessage } from './schemas.js';
import { renderMessage } from './templates.js';

export const DELIVER_JOB = 'notifications.deliver';

declare module '../../platform/jobs.js' {
  interface JobCatalogue {
    'notifications.deliver': { eventId: string };
  }
}

/** How long a send may stay silent before another attempt may take it over. */
const DELIVERY_LEASE_MS = 5 * 60_000;
const RELAY_BATCH = 100;
/** How many dead letters one retry-all sends back; an operator may repeat it for more. */
const RETRY_ALL_BATCH = 500;

export interface NotificationsDeps {
  db: Db;
  jobs: Jobs;
  identity: IdentityService;
  mailer: Mailer;
  clock: Clock;
  audit: AuditLog;
  metrics: Metrics;
  log: Logger;
  publicUrl: string | undefined;
}

export function createNotificationsService(deps: NotificationsDeps) {
  const { db, jobs, identity, mailer, clock, log } = deps;
  const repo = createNotificationsRepository(db);
  const emitted = deps.metrics.counter('voyage_outbox_events_total', 'Domain events written to the outbox', [
    'type',
  ]);
  const relayed = deps.metrics.counter('voyage_outbox_relayed_total', 'Outbox events relayed to jobs');
  const deliveries = deps.metrics.counter('voyage_notifications_total', 'Notification emails by outcome', [
    'outcome',
  ]);
  deps.metrics.gauge('voyage_outbox_pending', 'Outbox events not yet relayed to jobs', [], async (g) => {
    g.set(await repo.countUnrelayed().catch(() => 0));
  });

  async function recipientOf(event: { recipient_user_id: string | null; recipient_email: string | null }) {
    if (event.recipient_user_id) {
      const user = await identity.getUser(event.recipient_user_id).catch(() => undefined);
      if (user) return { email: user.email, name: user.name };
    }
    return event.recipient_email ? { email: event.recipient_email, name: 'there' } : undefined;
  }

  return {
    /** Records a domain event; call it with the transaction that makes the change. */
    async emit(tx: Db, event: DomainEvent): Promise<void> {
      await repo.insertEvent(event, tx);
      emitted.inc({ type: event.type });
    },

    /**
     * Moves unrelayed events to delivery jobs. The job is inserted in the same transaction that
     * marks the event relayed, with the event's id as the job's id, so each event becomes exactly
     * one job even with several relays running.
     */
    async relayPending(): Promise<number> {
      const count = await db.transaction().execute(async (tx) => {
        const events = await repo.lockUnrelayed(RELAY_BATCH, tx);
        if (events.length === 0) return 0;
        const executor = sqlExecutor(tx);
        for (const e of events) await jobs.send(DELIVER_JOB, { eventId: e.id }, { id: e.id, db: executor });
        await repo.markRelayed(
          events.map((e) => e.id),
          clock.now(),
          tx,
        );
        return events.length;
      });
      if (count) relayed.inc(count);
      return count;
    },

    /** The job handler: sends an event's email once, whatever number of times it is called. */
    async deliver(eventId: string): Promise<'sent' | 'already_sent' | 'no_recipient' | 'missing'> {
      const row = await repo.findEvent(eventId);
      if (!row) return 'missing';
      const to = await recipientOf(row);
      if (!to) {
        log.warn({ eventId }, 'notification has no recipient any more; dropped');
        deliveries.inc({ outcome: 'no_recipient' });
        return 'no_recipient';
      }
      const claim = await repo.claimDelivery(eventId, to.email, clock.now(), DELIVERY_LEASE_MS);
      if (!claim) {
        const current = await repo.findDelivery(eventId);
        if (current?.status === 'sent') {
          deliveries.inc({ outcome: 'already_sent' });
          return 'already_sent';
        }
        throw new Error(`notification ${eventId} is being sent by another worker`);
      }
      const event = { type: row.type, aggregateId: row.aggregate_id, payload: row.payload } as DomainEvent;
      const message = renderMessage(event, to.name, deps.publicUrl);
      try {
        const info = await mailer.send({ to: to.email, messageId: `<${eventId}@voyage>`, ...message });
        await repo.markSent(eventId, message, info.messageId, clock.now());
        deliveries.inc({ outcome: 'sent' });
        log.info({ eventId, type: row.type, attempt: claim.attempts, via: mailer.kind }, 'notification sent');
        return 'sent';
      } catch (err) {
        await repo.markFailed(eventId, (err as Error).message);
        deliveries.inc({ outcome: 'failed' });
        throw err;
      }
    },

    async listOwn(userId: string, limit: number): Promise<NotificationList> {
      const rows = await repo.listForUser(userId, limit);
      return {
        notifications: rows.map((r) => ({
          id: r.id,
          type: r.type,
          subjectId: r.aggregate_id,
          occurredAt: r.occurred_at.toISOString(),
          status: r.status ?? (r.relayed_at ? 'queued' : 'pending'),
          subject: r.subject ?? null,
          attempts: r.attempts ?? 0,
          sentAt: r.sent_at ? r.sent_at.toISOString() : null,
        })),
      };
    },

    /** Everyone's notifications (admin), newest first; `recipient` narrows to one address. */
    async outbox(q: { limit: number; recipient?: string }): Promise<Outbox> {
      let recipient: { email: string; userIds: string[] } | undefined;
      if (q.recipient) {
        const email = q.recipient.toLowerCase();
        const users = await identity.findUsers({ q: email, limit: 20 });
        recipient = { email, userIds: users.filter((u) => u.email.toLowerCase() === email).map((u) => u.id) };
      }
      const rows = await repo.listAll({ limit: q.limit, recipient });
      const emails = new Map<string, string | null>();
      for (const r of rows) {
        if (r.recipient || r.recipient_email || !r.recipient_user_id || emails.has(r.recipient_user_id))
          continue;
        const to = await recipientOf(r);
        emails.set(r.recipient_user_id, to?.email ?? null);
      }
      return {
        notifications: rows.map((r) => ({
          id: r.id,
          type: r.type,
          subjectId: r.aggregate_id,
          occurredAt: r.occurred_at.toISOString(),
          status: r.status ?? (r.relayed_at ? 'queued' : 'pending'),
          subject: r.subject ?? null,
          attempts: r.attempts ?? 0,
          sentAt: r.sent_at ? r.sent_at.toISOString() : null,
          recipient:
            r.recipient ??
            r.recipient_email ??
            (r.recipient_user_id ? emails.get(r.recipient_user_id) : null) ??
            null,
        })),
      };
    },

    /** A notification's email: the one stored when it was sent, or else rendered now as a preview. */
    async message(eventId: string): Promise<OutboxMessage> {
      const row = await repo.findWithDelivery(eventId);
      if (!row) throw notFound('notification_not_found', 'No notification with this id');
      const status: OutboxMessage['status'] = row.status ?? (row.relayed_at ? 'queued' : 'pending');
      const base = { id: row.id, type: row.type, status, messageId: row.message_id ?? null };
      if (row.status === 'sent' && row.subject && row.body_text !== null && row.body_html !== null) {
        return {
          ...base,
          source: 'sent',
          to: row.recipient,
          subject: row.subject,
          text: row.body_text,
          html: row.body_html,
          sentAt: row.sent_at ? row.sent_at.toISOString() : null,
        };
      }
      const to = await recipientOf(row);
      const event = { type: row.type, aggregateId: row.aggregate_id, payload: row.payload } as DomainEvent;
      const rendered = renderMessage(event, to?.name ?? 'there', deps.publicUrl);
      return { ...base, source: 'preview', to: to?.email ?? null, ...rendered, sentAt: null };
    },

    /** Emails whose retries ran out, newest first. */
    async deadLetters(limit: number): Promise<DeadLetter[]> {
      const dead = await jobs.deadLetters(DELIVER_JOB, limit);
      const ids = dead.map((d) => (d.data as { eventId?: string })?.eventId).filter((x): x is string => !!x);
      const events = new Map((await repo.eventsWithDeliveries(ids)).map((e) => [e.id, e]));
      return dead.map((d) => {
        const eventId = (d.data as { eventId: string }).eventId;
        const e = events.get(eventId);
        const output = d.output as { message?: string } | null;
        return {
          id: d.id,
          eventId,
          type: e?.type ?? null,
          recipient: e?.recipient_email ?? e?.recipient_user_id ?? null,
          attempts: e?.attempts ?? 0,
          error: e?.last_error ?? output?.message ?? null,
          deadSince: new Date(d.created_on).toISOString(),
        };
      });
    },

    /** Sends a dead letter back to the delivery queue; the email still goes out at most once. */
    async retryDeadLetter(id: string, actorId: string): Promise<{ jobId: string }> {
      const jobId = await jobs.retryDeadLetter(DELIVER_JOB, id);
      if (!jobId) throw notFound('dead_letter_not_found', 'No dead letter with this id');
      await deps.audit.record(undefined, { action: 'notification.retry', actorId, subject: `job:${id}` });
      return { jobId };
    },

    /** Sends every dead letter (up to a batch) back to the delivery queue; how many went. */
    async retryAllDeadLetters(actorId: string): Promise<{ queued: number }> {
      const dead = await jobs.deadLetters(DELIVER_JOB, RETRY_ALL_BATCH);
      let queued = 0;
      // One at a time: another operator retrying the same letter makes it a no-op here, not a double.
      for (const d of dead) if (await jobs.retryDeadLetter(DELIVER_JOB, d.id)) queued++;
      await deps.audit.record(undefined, {
        action: 'notification.retry_all',
        actorId,
        subject: 'notifications:dead-letters',
        details: { queued },
      });
      return { queued };
    },
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
