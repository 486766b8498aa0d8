import { sql } from 'kysely';
import type { Db } from '../database.js';

/**
 * Login lockout by account and client address. Each attempt is counted before its password is
 * checked, in one upsert that returns the new count: of any number of parallel attempts exactly
 * `max` are checked in a window, the rest are refused. A successful login clears the count; an
 * admin can clear every address's count for an account.
 */
export function createLoginLockout(db: Db, opts: { max: number; windowMs: number }) {
  return {
    /** Counts an attempt; `retryAfterMs` is set when it must not be checked. */
    async attempt(email: string, ip: string, now: Date): Promise<{ retryAfterMs?: number }> {
      const windowStart = new Date(now.getTime() - opts.windowMs);
      const row = await db
        .insertInto('login_lockouts')
        .values({ email: email.toLowerCase(), ip, attempts: 1, window_started_at: now })
        .onConflict((oc) =>
          oc.columns(['email', 'ip']).doUpdateSet({
            attempts: sql<number>`CASE WHEN login_lockouts.window_started_at <= ${windowStart}
              THEN 1 ELSE login_lockouts.attempts + 1 END`,
            window_started_at: sql<Date>`CASE WHEN login_lockouts.window_started_at <= ${windowStart}
              THEN ${now} ELSE login_lockouts.window_started_at END`,
          }),
        )
        .returning(['attempts', 'window_started_at'])
        .executeTakeFirstOrThrow();
      if (row.attempts <= opts.max) return {};
      return { retryAfterMs: new Date(row.window_started_at).getTime() + opts.windowMs - now.getTime() };
    },

    async succeeded(email: string, ip: string): Promise<void> {
      await db
        .deleteFrom('login_lockouts')
        .where('email', '=', email.toLowerCase())
        .where('ip', '=', ip)
        .execute();
    },

    /** Clears the account's counts from every address; the number of addresses it was locked from. */
    async unlock(email: string, now: Date): Promise<number> {
      const windowStart = new Date(now.getTime() - opts.windowMs);
      const rows = await db
        .deleteFrom('login_lockouts')
        .where('email', '=', email.toLowerCase())
        .returning(['attempts', 'window_started_at'])
        .execute();
      return rows.filter((r) => r.attempts > opts.max && new Date(r.window_started_at) > windowStart).length;
    },
  };
}

export type LoginLockout = ReturnType<typeof createLoginLockout>;
