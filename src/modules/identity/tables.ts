import type { ColumnType, Generated } from 'kysely';

export type Role = 'customer' | 'admin';

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string;
  password_hash: string;
  role: ColumnType<Role, Role | undefined, Role>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  disabled_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  email_verified_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  deleted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  mfa_secret: ColumnType<string | null, string | null | undefined, string | null>;
  mfa_enabled_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface AccountTokensTable {
  id: Generated<string>;
  user_id: string;
  purpose: 'password_reset' | 'email_verification';
  token_hash: string;
  email: string;
  expires_at: Date;
  used_at: Date | null;
  created_at: Generated<Date>;
}

export interface MfaRecoveryCodesTable {
  user_id: string;
  code_hash: string;
  used_at: Date | null;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: Generated<Date>;
  revoked_at: Date | null;
  revoked_reason: string | null;
  mfa: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface RefreshTokensTable {
  id: string;
  family_id: string;
  user_id: string;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
  created_at: Generated<Date>;
}

export interface AuditLogTable {
  id: Generated<number>;
  occurred_at: Generated<Date>;
  action: string;
  actor_id: string | null;
  subject: string | null;
  ip: string | null;
  request_id: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, string>;
}

export interface LoginLockoutsTable {
  email: string;
  ip: string;
  attempts: number;
  window_started_at: Date;
}

export interface IdentityTables {
  login_lockouts: LoginLockoutsTable;
  users: UsersTable;
  refresh_tokens: RefreshTokensTable;
  sessions: SessionsTable;
  account_tokens: AccountTokensTable;
  mfa_recovery_codes: MfaRecoveryCodesTable;
  audit_log: AuditLogTable;
}
