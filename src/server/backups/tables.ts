import type { ColumnType, Generated } from 'kysely';

export const OPERATION_KINDS = ['backup.create', 'backup.verify'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];
export const OPERATION_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];

type Json = ColumnType<unknown, string | undefined, string>;

export interface OperationsTable {
  id: Generated<string>;
  kind: OperationKind;
  status: ColumnType<OperationStatus, OperationStatus | undefined, OperationStatus>;
  backup_id: string | null;
  options: Json;
  steps: string[];
  phase: string | null;
  percent: ColumnType<number, number | undefined, number>;
  message: string | null;
  result: ColumnType<unknown, string | undefined, string | null>;
  error: string | null;
  requested_by: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  started_at: ColumnType<Date | null, never, Date>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  finished_at: ColumnType<Date | null, never, Date>;
}

export interface OperationsTables {
  operations: OperationsTable;
}
