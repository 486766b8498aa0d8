import { CompiledQuery, Kysely, type Kysely as KyselyType, PostgresDialect } from 'kysely';
import type pg from 'pg';

export function createKysely<DB>(pool: pg.Pool): KyselyType<DB> {
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Raw SQL through a Kysely connection or transaction, in the shape pg-boss takes (`db` option), so
 * that a job is sent in the same transaction as the change that caused it.
 */
// biome-ignore lint/suspicious/noExplicitAny: any schema; only raw SQL goes through here
export function sqlExecutor(db: KyselyType<any>) {
  return {
    async executeSql(text: string, values: unknown[]) {
      const result = await db.executeQuery(CompiledQuery.raw(text, values));
      return { rows: result.rows as unknown[] };
    },
  };
}
