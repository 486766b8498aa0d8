import { type Selectable, sql } from 'kysely';
import type { Db } from '../database.js';
import type { DomainEvent } from './events.js';
import type { NotificationDeliveriesTable, OutboxEventsTable } from './tables.js';

export type OutboxEventRow = Selectable<OutboxEventsTable>;
export type DeliveryRow = Selectable<NotificationDeliveriesTable>;

export function createNotificationsRepository(base: Db) {
  return {
    insertEvent(e: DomainEvent, db: Db) {
      return db
        .insertInto('outbox_events')
        .values({
          type: e.type,
          aggregate_id: e.aggregateId,
          recipient_user_id: e.recipient.userId ?? null,
          recipient_email: e.recipient.email ?? null,
          payload: JSON.stringify(e.payload),
        })
        .returning(['id'])
        .executeTakeFirstOrThrow();
    },

    /** The oldest unrelayed events, locked so that concurrent relays take different ones. */
    lockUnrelayed(limit: number, db: Db) {
      return db
        .selectFrom('outbox_events')
        .select(['id', 'type'])
        .where('relayed_at', 'is', null)
        .orderBy('occurred_at')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute();
    },

    async markRelayed(ids: string[], at: Date, db: Db) {
      await db.updateTable('outbox_events').set({ relayed_at: at }).where('id', 'in', ids).execute();
    },

    findEvent(id: string, db: Db = base) {
      return db.selectFrom('outbox_events').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async countUnrelayed(db: Db = base) {
      const row = await db
        .selectFrom('outbox_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('relayed_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /**
     * Takes the right to send an event's email: a first attempt, a retry after a failure, or a
     * takeover of an attempt that has been silent longer than the lease. Undefined otherwise
     * (already sent, or another worker is sending it now).
     */
    claimDelivery(eventId: string, recipient: string, now: Date, leaseMs: number, db: Db = base) {
      const staleBefore = new Date(now.getTime() - leaseMs);
      return db
        .insertInto('notification_deliveries')
        .values({ event_id: eventId, recipient, status: 'sending', attempts: 1, claimed_at: now })
        .onConflict((oc) =>
          oc
            .column('event_id')
            .doUpdateSet({
              status: 'sending',
              recipient,
              attempts: sql`notification_deliveries.attempts + 1`,
              claimed_at: now,
            })
            .where((eb) =>
              eb.or([
                eb('notification_deliveries.status', '=', 'failed'),
                eb.and([
                  eb('notification_deliveries.status', '=', 'sending'),
                  eb('notification_deliveries.claimed_at', '<', staleBefore),
                ]),
              ]),
            ),
        )
        .returningAll()
        .executeTakeFirst();
    },

    findDelivery(eventId: string, db: Db = base) {
      return db
        .selectFrom('notification_deliveries')
        .selectAll()
        .where('event_id', '=', eventId)
        .executeTakeFirst();
    },

    async markSent(
      eventId: string,
      message: { subject: string; text: string; html: string },
      messageId: string,
      at: Date,
      db: Db = base,
    ) {
      await db
        .updateTable('notification_deliveries')
        .set({
          status: 'sent',
          subject: message.subject,
          body_text: message.text,
          body_html: message.html,
          message_id: messageId,
          sent_at: at,
          last_error: null,
        })
        .where('event_id', '=', eventId)
        .execute();
    },

    async markFailed(eventId: string, error: string, db: Db = base) {
      await db
        .updateTable('notification_deliveries')
        .set({ status: 'failed', last_error: error.slice(0, 1000) })
        .where('event_id', '=', eventId)
        .where('status', '=', 'sending')
        .execute();
    },

    /** A user's notifications, newest first, with their delivery state. */
    listForUser(userId: string, limit: number, db: Db = base) {
      return db
        .selectFrom('outbox_events as e')
        .leftJoin('notification_deliveries as d', 'd.event_id', 'e.id')
        .select([
          'e.id',
          'e.type',
          'e.aggregate_id',
          'e.occurred_at',
          'e.relayed_at',
          'd.status',
          'd.subject',
          'd.attempts',
          'd.sent_at',
        ])
        .where('e.recipient_user_id', '=', userId)
        .orderBy('e.occurred_at', 'desc')
        .limit(limit)
        .execute();
    },

    /** Everyone's notifications, newest first; with `recipient`, those sent or addressed to it. */
    listAll(opts: { limit: number; recipient?: { email: string; userIds: string[] } }, db: Db = base) {
      let q = db
        .selectFrom('outbox_events as e')
        .leftJoin('notification_deliveries as d', 'd.event_id', 'e.id')
        .select([
          'e.id',
          'e.type',
          'e.aggregate_id',
          'e.occurred_at',
          'e.relayed_at',
          'e.recipient_user_id',
          'e.recipient_email',
          'd.recipient',
          'd.status',
          'd.subject',
          'd.attempts',
          'd.sent_at',
        ]);
      const r = opts.recipient;
      if (r) {
        q = q.where((w) =>
          w.or([
            w('d.recipient', '=', r.email),
            w('e.recipient_email', '=', r.email),
            ...(r.userIds.length ? [w('e.recipient_user_id', 'in', r.userIds)] : []),
          ]),
        );
      }
      return q.orderBy('e.occurred_at', 'desc').limit(opts.limit).execute();
    },

    /** One event with its delivery, the stored email included. */
    findWithDelivery(eventId: string, db: Db = base) {
      return db
        .selectFrom('outbox_events as e')
        .leftJoin('notification_deliveries as d', 'd.event_id', 'e.id')
        .selectAll('e')
        .select([
          'd.status',
          'd.subject',
          'd.body_text',
          'd.body_html',
          'd.recipient',
          'd.message_id',
          'd.attempts',
          'd.sent_at',
        ])
        .where('e.id', '=', eventId)
        .executeTakeFirst();
    },

    eventsWithDeliveries(ids: string[], db: Db = base) {
      if (ids.length === 0) return Promise.resolve([]);
      return db
        .selectFrom('outbox_events as e')
        .leftJoin('notification_deliveries as d', 'd.event_id', 'e.id')
        .select([
          'e.id',
          'e.type',
          'e.recipient_user_id',
          'e.recipient_email',
          'e.occurred_at',
          'd.attempts',
          'd.last_error',
          'd.status',
        ])
        .where('e.id', 'in', ids)
        .execute();
    },
  };
}
