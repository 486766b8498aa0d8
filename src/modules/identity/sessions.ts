import type { Cache } from '../../platform/cache.js';
import type { Clock } from '../../platform/clock.js';
import type { Principal, SessionCheck } from '../../platform/http/auth.js';
import type { Db } from '../database.js';
import type { Role } from './tables.js';

/** How long a session's state is cached; every change to it deletes the cached entry at once. */
export const SESSION_CACHE_TTL_MS = 30_000;

interface SessionState {
  userId: string;
  role: Role;
  live: boolean;
  disabled: boolean;
  mfa: boolean;
}

const cacheKey = (sessionId: string) => `session:${sessionId}`;

/**
 * Sessions: one per sign-in, the id shared with the refresh-token family. Each authenticated request
 * reads its session's state (live, the account's role, disabled) from the cache — the shared Redis
 * cache with REDIS_URL, so every replica sees a revocation — or from the database on a miss. Every
 * revocation, role change and disable deletes the cached state, so it counts from the next request.
 */
export function createSessions(deps: { db: Db; cache: Cache; clock: Clock; cacheTtlMs?: number }) {
  const { db, cache, clock } = deps;
  const ttlMs = deps.cacheTtlMs ?? SESSION_CACHE_TTL_MS;

  async function load(sessionId: string): Promise<SessionState | undefined> {
    const cached = await cache.get<SessionState>(cacheKey(sessionId));
    if (cached) return cached;
    const row = await db
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select(['s.user_id', 's.revoked_at', 's.mfa', 'u.role', 'u.disabled_at'])
      .where('s.id', '=', sessionId)
      .executeTakeFirst();
    if (!row) return undefined;
    const state: SessionState = {
      userId: row.user_id,
      role: row.role,
      live: row.revoked_at === null,
      disabled: row.disabled_at !== null,
      mfa: row.mfa,
    };
    await cache.set(cacheKey(sessionId), state, ttlMs);
    return state;
  }

  async function forget(ids: string[]) {
    await Promise.all(ids.map((id) => cache.del(cacheKey(id))));
  }

  const check: SessionCheck = async (principal: Principal) => {
    if (!principal.sessionId) return { problem: 'session_revoked' };
    const state = await load(principal.sessionId);
    if (!state || state.userId !== principal.userId) return { problem: 'session_revoked' };
    if (state.disabled) return { problem: 'account_disabled' };
    if (!state.live) return { problem: 'session_revoked' };
    return {
      principal: { userId: state.userId, role: state.role, sessionId: principal.sessionId, mfa: state.mfa },
    };
  };

  return {
    check,

    async start(sessionId: string, userId: string, tx: Db, mfa = false) {
      await tx
        .insertInto('sessions')
        .values({
          id: sessionId,
          user_id: userId,
          created_at: clock.now(),
          revoked_at: null,
          revoked_reason: null,
          mfa,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    },

    /** `missing` for refresh-token families from before sessions were recorded. */
    async state(sessionId: string, tx: Db = db): Promise<'live' | 'revoked' | 'missing'> {
      const row = await tx
        .selectFrom('sessions')
        .select('revoked_at')
        .where('id', '=', sessionId)
        .executeTakeFirst();
      return !row ? 'missing' : row.revoked_at === null ? 'live' : 'revoked';
    },

    /** Revokes one session; the caller commits, then calls `forget` with the ids. */
    async revoke(sessionId: string, reason: string, tx: Db): Promise<string[]> {
      const rows = await tx
        .updateTable('sessions')
        .set({ revoked_at: clock.now(), revoked_reason: reason })
        .where('id', '=', sessionId)
        .where('revoked_at', 'is', null)
        .returning('id')
        .execute();
      return rows.map((r) => r.id);
    },

    /** Revokes every live session of a user, but `except`; returns their ids. */
    async revokeAllOf(userId: string, reason: string, tx: Db, except?: string): Promise<string[]> {
      let q = tx
        .updateTable('sessions')
        .set({ revoked_at: clock.now(), revoked_reason: reason })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null);
      if (except) q = q.where('id', '<>', except);
      const rows = await q.returning('id').execute();
      return rows.map((r) => r.id);
    },

    /** The ids of a user's sessions (live only, or all), to forget their cached state. */
    async idsOf(userId: string, which: 'live' | 'all', tx: Db = db): Promise<string[]> {
      let q = tx.selectFrom('sessions').select('id').where('user_id', '=', userId);
      if (which === 'live') q = q.where('revoked_at', 'is', null);
      const rows = await q.execute();
      return rows.map((r) => r.id);
    },

    forget,
  };
}

export type Sessions = ReturnType<typeof createSessions>;
