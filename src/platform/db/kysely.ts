import { Kysely, type Kysely as KyselyType, PostgresDialect } from 'kysely';
import type pg from 'pg';

export function createKysely<DB>(pool: pg.Pool): KyselyType<DB> {
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}
