import { randomUUID } from 'node:crypto';
import type { Config } from '../../config/index.js';
import type { Clock } from '../../platform/clock.js';
import { isConstraintViolation } from '../../platform/db/errors.js';
import type { AccessTokens } from '../../platform/http/auth.js';
import { constraintError, notFound, tooManyRequests, unauthorized } from '../../platform/http/errors.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { Metrics } from '../../platform/observability/metrics.js';
import type { Db } from '../database.js';
import { IDENTITY_CONSTRAINTS } from './constraints.js';
import { createLoginLockout } from './lockout.js';
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords.js';
import type { RefreshTokens } from './refresh-tokens.js';
import { type AuditEntry, createIdentityRepository } from './repository.js';
import type { AuthTokens, LoginBody, SignupBody, User } from './schemas.js';
import type { Role, UsersTable } from './tables.js';

export interface RequestMeta {
  ip?: string;
  requestId?: string;
}

type UserRow = { id: string; email: string; name: string; role: Role; created_at: Date } & Partial<
  Pick<UsersTable, 'password_hash'>
>;

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    createdAt: row.created_at.toISOString(),
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
}

export function createIdentityService(deps: IdentityDeps) {
  const { db, accessTokens, refreshTokens, clock, auth } = deps;
  const repo = createIdentityRepository(db);
  const signups = deps.metrics.counter('voyage_signups_total', 'Accounts created');
  const loginFailures = deps.metrics.counter('voyage_login_failures_total', 'Failed login attempts', [
    'reason',
  ]);

  const audit = (e: Omit<AuditEntry, 'at'>, meta: RequestMeta, tx: Db = db) =>
    repo.audit({ ...e, at: clock.now(), ip: meta.ip ?? null, requestId: meta.requestId ?? null }, tx);

  async function issueTokens(user: UserRow, familyId: string, tx: Db): Promise<AuthTokens> {
    const now = clock.now();
    const refresh = await refreshTokens.issue(user.id, familyId, now);
    await repo.insertRefreshToken(
      { id: refresh.claims.tokenId, familyId, userId: user.id, expiresAt: refresh.expiresAt },
      tx,
    );
    return {
      accessToken: await accessTokens.sign({ userId: user.id, role: user.role }),
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
      const passwordHash = await hashPassword(body.password);
      try {
        const result = await db.transaction().execute(async (tx) => {
          const user = await repo.insertUser({ email: body.email, name: body.name, passwordHash }, tx);
          await audit({ action: 'signup', actorId: user.id, subject: user.email }, meta, tx);
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
      const tokens = await db.transaction().execute(async (tx) => {
        await audit({ action: 'login.success', actorId: user.id, subject: user.email }, meta, tx);
        return issueTokens(user, randomUUID(), tx);
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
          return { kind: 'ok' as const, tokens: await issueTokens(user, consumed.family_id, tx) };
        }
        const row = await repo.findRefreshToken(claims.tokenId, tx);
        if (row?.used_at) {
          // A used token presented again: someone holds a copy. Revoke the whole family.
          const revoked = await repo.revokeFamily(row.family_id, now, tx);
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
          return { kind: 'reused' as const };
        }
        return { kind: 'invalid' as const };
      });
      if (outcome.kind === 'ok') return outcome.tokens;
      if (outcome.kind === 'reused') {
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
      await db.transaction().execute(async (tx) => {
        await repo.revokeFamily(claims.familyId, now, tx);
        await audit({ action: 'logout', actorId: claims.userId, subject: claims.userId }, meta, tx);
      });
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
      return db.transaction().execute(async (tx) => {
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
    },

    listAudit: repo.listAudit,
  };
}

export type IdentityService = ReturnType<typeof createIdentityService>;
