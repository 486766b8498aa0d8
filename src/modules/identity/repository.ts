import type { Db } from '../database.js';
import type { Role } from './tables.js';

export interface AuditEntry {
  action: string;
  actorId?: string | null;
  subject?: string | null;
  ip?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown>;
  at: Date;
}

export function createIdentityRepository(base: Db) {
  return {
    async insertUser(u: { email: string; name: string; passwordHash: string; role?: Role }, db: Db = base) {
      return db
        .insertInto('users')
        .values({ email: u.email, name: u.name, password_hash: u.passwordHash, role: u.role })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    findUserByEmail(email: string, db: Db = base) {
      return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    },

    findUserById(id: string, db: Db = base) {
      return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async setRole(id: string, role: Role, db: Db = base) {
      return db
        .updateTable('users')
        .set({ role, updated_at: new Date() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },

    async setDisabled(id: string, at: Date | null, db: Db = base) {
      return db
        .updateTable('users')
        .set({ disabled_at: at, updated_at: new Date() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },

    async setPasswordHash(id: string, passwordHash: string, db: Db = base) {
      await db
        .updateTable('users')
        .set({ password_hash: passwordHash, updated_at: new Date() })
        .where('id', '=', id)
        .execute();
    },

    findUsers(q: { q?: string; role?: Role; limit: number }, db: Db = base) {
      let query = db
        .selectFrom('users')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(q.limit);
      if (q.role) query = query.where('role', '=', q.role);
      if (q.q) {
        const like = `%${q.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        query = query.where((eb) =>
          eb.or([eb('email', 'like', like), eb(eb.fn('lower', ['name']), 'like', like)]),
        );
      }
      return query.execute();
    },

    async insertRefreshToken(
      t: { id: string; familyId: string; userId: string; expiresAt: Date },
      db: Db = base,
    ) {
      await db
        .insertInto('refresh_tokens')
        .values({
          id: t.id,
          family_id: t.familyId,
          user_id: t.userId,
          expires_at: t.expiresAt,
          used_at: null,
          revoked_at: null,
        })
        .execute();
    },

    /** Marks a live token used; returns it only if this call was the one that used it. */
    consumeRefreshToken(id: string, now: Date, db: Db = base) {
      return db
        .updateTable('refresh_tokens')
        .set({ used_at: now })
        .where('id', '=', id)
        .where('used_at', 'is', null)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .returningAll()
        .executeTakeFirst();
    },

    findRefreshToken(id: string, db: Db = base) {
      return db.selectFrom('refresh_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async revokeFamily(familyId: string, now: Date, db: Db = base) {
      const res = await db
        .updateTable('refresh_tokens')
        .set({ revoked_at: now })
        .where('family_id', '=', familyId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(res.numUpdatedRows);
    },

    async audit(e: AuditEntry, db: Db = base) {
      await db
        .insertInto('audit_log')
        .values({
          occurred_at: e.at,
          action: e.action,
          actor_id: e.actorId ?? null,
          subject: e.subject ?? null,
          ip: e.ip ?? null,
          request_id: e.requestId ?? null,
          details: JSON.stringify(e.details ?? {}),
        })
        .execute();
    },

    /** Newest first; `action` ending in `.*` matches a family (`booking.*`); `beforeId` pages. */
    listAudit(
      filter: {
        subject?: string;
        action?: string;
        actorId?: string;
        from?: Date;
        to?: Date;
        beforeId?: number;
        limit?: number;
      },
      db: Db = base,
    ) {
      let q = db
        .selectFrom('audit_log')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(filter.limit ?? 100);
      if (filter.subject) q = q.where('subject', '=', filter.subject);
      if (filter.action?.endsWith('.*')) q = q.where('action', 'like', `${filter.action.slice(0, -1)}%`);
      else if (filter.action) q = q.where('action', '=', filter.action);
      if (filter.actorId) q = q.where('actor_id', '=', filter.actorId);
      if (filter.from) q = q.where('occurred_at', '>=', filter.from);
      if (filter.to) q = q.where('occurred_at', '<', filter.to);
      if (filter.beforeId) q = q.where('id', '<', filter.beforeId);
      return q.execute();
    },
  };
}

export type IdentityRepository = ReturnType<typeof createIdentityRepository>;
