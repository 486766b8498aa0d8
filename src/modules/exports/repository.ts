import type { Db } from '../database.js';

export function createExportsRepository(base: Db) {
  return {
    /** Revokes the user's live feed of the trip, if any, and records a new one. */
    async replaceFeed(tripId: string, userId: string, tokenHash: string, now: Date, db: Db) {
      await db
        .updateTable('calendar_feeds')
        .set({ revoked_at: now })
        .where('trip_id', '=', tripId)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .execute();
      return db
        .insertInto('calendar_feeds')
        .values({ trip_id: tripId, user_id: userId, token_hash: tokenHash })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async revokeFeed(tripId: string, userId: string, now: Date, db: Db = base) {
      const res = await db
        .updateTable('calendar_feeds')
        .set({ revoked_at: now })
        .where('trip_id', '=', tripId)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },

    liveFeed(tokenHash: string, db: Db = base) {
      return db
        .selectFrom('calendar_feeds')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
    },
  };
}
