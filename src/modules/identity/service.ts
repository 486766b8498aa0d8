// Over 300 lines: the identity service ties tokens, sessions, MFA and the account lifecycle together;
// the lifecycle (account.ts), MFA (mfa.ts) and sessions (sessions.ts) are split out.
import { randomUUID } from 'node:crypto';
import type { Config } from '../../config/index.js';
import type { Clock } from '../../platform/clock.js';
import { isConstraintViolation } from '../../platform/db/errors.js';
import type { AccessTokens } from '../../platform/http/auth.js';
import {
  constraintError,
  forbidden,
  notFound,
  tooManyRequests,
  unauthorized,
} from '../../platform/http/errors.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { Metrics } from '../../platform/observability/metrics.js';
import type { Db } from '../database.js';
import type { DomainEvent } from '../notifications/events.js';
import { createAccount } from './account.js';
import { IDENTITY_CONSTRAINTS } from './constraints.js';
import { createLoginLockout } from './lockout.js';
import { createMfa } from './mfa.js';
import { checkPasswordPolicy } from './password-policy.js';
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords.js';
import type { RefreshTokens } from './refresh-tokens.js';
import { type AuditEntry, createIdentityRepository } from './repository.js';
import type { AuditQuery, AuthTokens, LoginBody, SignupBody, User } from './schemas.js';
import type { Sessions } from './sessions.js';
import type { Role, UsersTable } from './tables.js';

export interface RequestMeta {
  ip?: string;
  requestId?: string;
}

type UserRow = {
  id: string;
  email: string;
  name: string;
  role: Role;
  created_at: Date;
  disabled_at?: Date | null;
  email_verified_at?: Date | null;
  mfa_enabled_at?: Date | null;
} & Partial<Pick<UsersTable, 'password_hash'>>;

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    createdAt: row.created_at.toISOString(),
    disabled: !!row.disabled_at,
    emailVerified: !!row.email_verified_at,
    mfaEnabled: !!row.mfa_enabled_at,
  };
}

export interface IdentityDeps {
  db: Db;
  accessTokens: AccessTokens;
  refreshTokens: RefreshTokens;
  clock: Clock;
  auth: Config['auth'];
  metrics: Metrics;
  log: Logger;
  sessions: Sessions;
  /** Writes account emails (reset, verification) to the outbox; handed in by the composition root. */
  emit: (tx: Db, event: DomainEvent) => Promise<void>;
}

export function createIdentityService(deps: IdentityDeps) {
  const { db, accessTokens, refreshTokens, clock, auth, sessions } = deps;
  const repo = createIdentityRepository(db);
  const signups = deps.metrics.counter('voyage_signups_total', 'Accounts created');
  const loginFailures = deps.metrics.counter('voyage_login_failures_total', 'Failed login attempts', [
    'reason',
  ]);

  const audit = (e: Omit<AuditEntry, 'at'>, meta: RequestMeta, tx: Db = db) =>
    repo.audit({ ...e, at: clock.now(), ip: meta.ip ?? null, requestId: meta.requestId ?? null }, tx);
  const account = createAccount({ db, clock, sessions, emit: deps.emit, audit: (e, tx) => audit(e, {}, tx) });
  const mfa = createMfa({ db, clock, sessions, issuer: 'Voyage' });

  /** A session's id is its refresh-token family; the access token carries it as `sid`. */
  async function issueTokens(user: UserRow, familyId: string, tx: Db, withMfa = false): Promise<AuthTokens> {
    const now = clock.now();
    await sessions.start(familyId, user.id, tx, withMfa);
    const refresh = await refreshTokens.issue(user.id, familyId, now);
    await repo.insertRefreshToken(
      { id: refresh.claims.tokenId, familyId, userId: user.id, expiresAt: refresh.expiresAt },
      tx,
    );
    return {
      accessToken: await accessTokens.sign({ userId: user.id, role: user.role, sessionId: familyId }),
      refreshToken: refresh.token,
      tokenType: 'Bearer',
      expiresIn: accessTokens.ttlSeconds,
      user: toUser(user),
    };
  }

  const lockout = createLoginLockout(db, { max: auth.loginMaxFailures, windowMs: auth.loginLockoutWindowMs });

  async function countAttempt(email: string, ip: string) {
    const now = clock.now();
    const { retryAfterMs } = await lockout.attempt(email, ip, now);
    if (retryAfterMs === undefined) return;
    const retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000));
    loginFailures.inc({ reason: 'locked_out' });
    throw tooManyRequests(
      'too_many_login_attempts',
      `Too many failed logins for this account from this address; try again in ${retryAfter} seconds`,
      retryAfter,
    );
  }

  return {
    async signup(body: SignupBody, meta: RequestMeta): Promise<AuthTokens> {
      checkPasswordPolicy(body.password, [body.email, body.name]);
      const passwordHash = await hashPassword(body.password);
      try {
        const result = await db.transaction().execute(async (tx) => {
          const user = await repo.insertUser({ email: body.email, name: body.name, passwordHash }, tx);
          await audit({ action: 'signup', actorId: user.id, subject: user.email }, meta, tx);
          await account.sendVerification(tx, user);
          return issueTokens(user, randomUUID(), tx);
        });
        signups.inc();
        return result;
      } catch (err) {
        if (isConstraintViolation(err, 'users_email_key')) {
          throw constraintError(IDENTITY_CONSTRAINTS.users_email_key);
        }
        throw err;
      }
    },

    async login(body: LoginBody, meta: RequestMeta): Promise<AuthTokens> {
      const ip = meta.ip ?? 'unknown';
      await countAttempt(body.email, ip);
      const user = await repo.findUserByEmail(body.email);
      const ok = await verifyPassword(user?.password_hash ?? DUMMY_HASH, body.password);
      if (!user || !ok) {
        loginFailures.inc({ reason: user ? 'wrong_password' : 'unknown_account' });
        await audit({ action: 'login.failure', actorId: user?.id ?? null, subject: body.email }, meta);
        throw unauthorized('invalid_credentials', 'Email or password is wrong');
      }
      if (user.disabled_at) throw forbidden('account_disabled', 'This account is disabled');
      const withMfa = await mfa.checkAtLogin(user, body.mfaCode);
      const tokens = await db.transaction().execute(async (tx) => {
        await audit({ action: 'login.success', actorId: user.id, subject: user.email }, meta, tx);
        return issueTokens(user, randomUUID(), tx, withMfa);
      });
      await lockout.succeeded(body.email, ip);
      return tokens;
    },

    /** Lets an account sign in again from every address (admin). */
    async unlockLogin(email: string, actorId: string, meta: RequestMeta): Promise<{ unlocked: number }> {
      const unlocked = await lockout.unlock(email, clock.now());
      await audit({ action: 'login.unlock', actorId, subject: email.toLowerCase() }, meta);
      return { unlocked };
    },

    async refresh(token: string, meta: RequestMeta): Promise<AuthTokens> {
      const now = clock.now();
      const claims = await refreshTokens.read(token, now);
      if (!claims) throw unauthorized('invalid_refresh_token', 'Refresh token is not valid');
      const outcome = await db.transaction().execute(async (tx) => {
        const consumed = await repo.consumeRefreshToken(claims.tokenId, now, tx);
        if (consumed) {
          const user = await repo.findUserById(consumed.user_id, tx);
          if (!user) return { kind: 'invalid' as const };
          if (user.disabled_at) return { kind: 'disabled' as const };
          if ((await sessions.state(consumed.family_id, tx)) === 'revoked')
            return { kind: 'invalid' as const };
          return { kind: 'ok' as const, tokens: await issueTokens(user, consumed.family_id, tx) };
        }
        const row = await repo.findRefreshToken(claims.tokenId, tx);
        if (row?.used_at) {
          // A used token presented again: someone holds a copy. Revoke the whole family.
          const revoked = await repo.revokeFamily(row.family_id, now, tx);
          const ended = await sessions.revoke(row.family_id, 'refresh_reuse', tx);
          await audit(
            {
              action: 'refresh.reuse',
              actorId: row.user_id,
              subject: row.user_id,
              details: { familyId: row.family_id, revoked },
            },
            meta,
            tx,
          );
          return { kind: 'reused' as const, ended };
        }
        return { kind: 'invalid' as const };
      });
      if (outcome.kind === 'ok') return outcome.tokens;
      if (outcome.kind === 'disabled') throw forbidden('account_disabled', 'This account is disabled');
      if (outcome.kind === 'reused') {
        await sessions.forget(outcome.ended);
        deps.log.warn(
          { userId: claims.userId, familyId: claims.familyId },
          'refresh token reuse detected; family revoked',
        );
        throw unauthorized('refresh_token_reused', 'Refresh token was already used; sign in again');
      }
      throw unauthorized('invalid_refresh_token', 'Refresh token is not valid');
    },

    async logout(token: string, meta: RequestMeta): Promise<void> {
      const now = clock.now();
      const claims = await refreshTokens.read(token, now, { allowExpired: true });
      if (!claims) throw unauthorized('invalid_refresh_token', 'Refresh token is not valid');
      const ended = await db.transaction().execute(async (tx) => {
        await repo.revokeFamily(claims.familyId, now, tx);
        await audit({ action: 'logout', actorId: claims.userId, subject: claims.userId }, meta, tx);
        return sessions.revoke(claims.familyId, 'logout', tx);
      });
      await sessions.forget(ended);
    },

    async getUser(id: string): Promise<User> {
      const user = await repo.findUserById(id);
      if (!user) throw notFound('user_not_found', 'User not found');
      return toUser(user);
    },

    /** Creates an admin account, or promotes an existing one. */
    async createAdmin(input: { email: string; name: string; password: string }, meta: RequestMeta = {}) {
      const existing = await repo.findUserByEmail(input.email);
      if (existing) {
        const user = await this.setRole(existing.id, 'admin', null, meta);
        return { user, created: false };
      }
      const passwordHash = await hashPassword(input.password);
      const user = await db.transaction().execute(async (tx) => {
        const u = await repo.insertUser(
          { email: input.email, name: input.name, passwordHash, role: 'admin' },
          tx,
        );
        await audit({ action: 'role.change', subject: u.id, details: { from: null, to: 'admin' } }, meta, tx);
        return u;
      });
      return { user: toUser(user), created: true };
    },

    async setRole(userId: string, role: Role, actorId: string | null, meta: RequestMeta = {}): Promise<User> {
      const user = await db.transaction().execute(async (tx) => {
        const before = await repo.findUserById(userId, tx);
        if (!before) throw notFound('user_not_found', 'User not found');
        const after = await repo.setRole(userId, role, tx);
        if (before.role !== role) {
          await audit(
            { action: 'role.change', actorId, subject: userId, details: { from: before.role, to: role } },
            meta,
            tx,
          );
        }
        return toUser(after!);
      });
      // The role is read per request from the session's cached state: forget it.
      await sessions.forget(await sessions.idsOf(userId, 'live'));
      return user;
    },

    /** Disabling ends every session at once; an enabled account signs in again. */
    async setDisabled(userId: string, disabled: boolean, actorId: string | null, meta: RequestMeta = {}) {
      const { user, ended } = await db.transaction().execute(async (tx) => {
        const before = await repo.findUserById(userId, tx);
        if (!before) throw notFound('user_not_found', 'User not found');
        const after = await repo.setDisabled(userId, disabled ? clock.now() : null, tx);
        const ended = disabled
          ? await sessions.revokeAllOf(userId, 'disabled', tx)
          : await sessions.idsOf(userId, 'all', tx);
        if (!!before.disabled_at !== disabled)
          await audit(
            { action: disabled ? 'user.disable' : 'user.enable', actorId, subject: userId },
            meta,
            tx,
          );
        return { user: toUser(after!), ended };
      });
      await sessions.forget(ended);
      return user;
    },

    /** Changes the password after checking the current one; every other session ends. */
    async changePassword(
      who: { userId: string; sessionId?: string },
      input: { currentPassword: string; newPassword: string },
      meta: RequestMeta,
    ): Promise<void> {
      const user = await repo.findUserById(who.userId);
      if (!user) throw notFound('user_not_found', 'User not found');
      if (!(await verifyPassword(user.password_hash, input.currentPassword)))
        throw forbidden('wrong_password', 'The current password is wrong');
      checkPasswordPolicy(input.newPassword, [user.email, user.name]);
      const passwordHash = await hashPassword(input.newPassword);
      const ended = await db.transaction().execute(async (tx) => {
        await repo.setPasswordHash(user.id, passwordHash, tx);
        await audit({ action: 'password.change', actorId: user.id, subject: user.id }, meta, tx);
        return sessions.revokeAllOf(user.id, 'password_change', tx, who.sessionId);
      });
      await sessions.forget(ended);
    },

    /** Admin search by email or name fragment, newest first. */
    async findUsers(q: { q?: string; role?: Role; limit: number }): Promise<User[]> {
      return (await repo.findUsers(q)).map(toUser);
    },

    sessionCheck: sessions.check,

    requestPasswordReset: account.requestPasswordReset,
    /** A password reset also lifts a login lockout, from every address. */
    async resetPassword(token: string, newPassword: string): Promise<void> {
      const email = await account.resetPassword(token, newPassword);
      await lockout.unlock(email, clock.now());
    },
    requestVerification: account.requestVerification,
    verifyEmail: account.verifyEmail,
    async updateProfile(userId: string, input: { name?: string; email?: string; currentPassword?: string }) {
      return toUser(await account.updateProfile(userId, input));
    },
    deleteAccount: account.deleteAccount,
    mfaSetup: mfa.setup,
    mfaEnable: mfa.enable,
    mfaDisable: mfa.disable,

    /** The account as the user's data export shows it: profile, sessions, audit entries; no secrets. */
    async accountData(userId: string) {
      const user = await repo.findUserById(userId);
      if (!user) throw notFound('user_not_found', 'User not found');
      const sessionRows = await db
        .selectFrom('sessions')
        .select(['id', 'created_at', 'revoked_at', 'revoked_reason', 'mfa'])
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .execute();
      const audit = await db
        .selectFrom('audit_log')
        .select(['occurred_at', 'action', 'actor_id', 'subject', 'ip', 'details'])
        .where((eb) =>
          eb.or([eb('actor_id', '=', userId), eb('subject', '=', userId), eb('subject', '=', user.email)]),
        )
        .orderBy('id', 'desc')
        .execute();
      return {
        user: toUser(user),
        sessions: sessionRows.map((r) => ({
          id: r.id,
          createdAt: r.created_at.toISOString(),
          revokedAt: r.revoked_at?.toISOString() ?? null,
          revokedReason: r.revoked_reason,
          mfa: r.mfa,
        })),
        audit: audit.map((a) => ({ ...a, occurred_at: a.occurred_at.toISOString() })),
      };
    },

    /** The address trips may bind invitations to: the account's email once it is verified. */
    async verifiedEmailOf(userId: string): Promise<string | undefined> {
      const user = await repo.findUserById(userId);
      return user?.email_verified_at ? user.email : undefined;
    },

    listAudit: repo.listAudit,

    /** The admin audit API: filtered by actor, action (or family), subject and time, newest first. */
    async searchAudit(q: AuditQuery) {
      const rows = await repo.listAudit({
        actorId: q.actor,
        action: q.action,
        subject: q.subject,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        beforeId: q.cursor,
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      return {
        entries: page.map((r) => ({
          id: Number(r.id),
          occurredAt: r.occurred_at.toISOString(),
          action: r.action,
          actorId: r.actor_id,
          subject: r.subject,
          ip: r.ip,
          requestId: r.request_id,
          details: r.details,
        })),
        nextCursor: rows.length > q.limit ? Number(page[page.length - 1]!.id) : null,
      };
    },
  };
}

export type IdentityService = ReturnType<typeof createIdentityService>;
