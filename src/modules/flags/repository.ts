import type { Selectable, Updateable } from 'kysely';
import type { Db } from '../database.js';
import type { FeatureFlagsTable } from './tables.js';

export type FlagRow = Selectable<FeatureFlagsTable>;

export function createFlagsRepository(base: Db) {
  return {
    list(db: Db = base) {
      return db.selectFrom('feature_flags').selectAll().orderBy('key').execute();
    },

    find(key: string, db: Db = base) {
      return db.selectFrom('feature_flags').selectAll().where('key', '=', key).executeTakeFirst();
    },

    insert(row: Omit<FlagRow, 'created_at' | 'updated_at'>, db: Db = base) {
      return db.insertInto('feature_flags').values(row).returningAll().executeTakeFirstOrThrow();
    },

    update(key: string, patch: Updateable<FeatureFlagsTable>, db: Db = base) {
      return db
        .updateTable('feature_flags')
        .set({ ...patch, updated_at: new Date() })
        .where('key', '=', key)
        .returningAll()
        .executeTakeFirst();
    },

    async remove(key: string, db: Db = base) {
      const res = await db.deleteFrom('feature_flags').where('key', '=', key).executeTakeFirst();
      return Number(res.numDeletedRows) === 1;
    },
  };
}
