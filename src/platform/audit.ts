import { type QueryExecutorProvider, sql } from 'kysely';
import type { Clock } from './clock.js';

/**
 * The audit log's writer for every module: who did what to which subject, written in the caller's
 * transaction so that an entry exists exactly when the change does.
 */
export interface AuditRecord {
  action: string;
  actorId: string | null;
  subject: string | null;
  details?: Record<string, unknown>;
}

export function createAuditLog(deps: { db: QueryExecutorProvider; clock: Clock }) {
  return {
    async record(tx: QueryExecutorProvider | undefined, e: AuditRecord): Promise<void> {
      await sql`
        INSERT INTO audit_log (occurred_at, action, actor_id, subject, details)
        VALUES (${deps.clock.now()}, ${e.action}, ${e.actorId}, ${e.subject},
                ${JSON.stringify(e.details ?? {})}::jsonb)
      `.execute(tx ?? deps.db);
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
