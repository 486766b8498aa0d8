import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../platform/clock.js';
import { isConstraintViolation } from '../../platform/db/errors.js';
import { badRequest, constraintError, forbidden, notFound } from '../../platform/http/errors.js';
import type { Db } from '../database.js';
import type { DomainEvent } from '../notifications/events.js';
import { IDENTITY_CONSTRAINTS } from './constraints.js';
import { checkPasswordPolicy } from './password-policy.js';
import { hashPassword, verifyPassword } from './passwords.js';
import type { Sessions } from './sessions.js';

/** A reset token is good for an hour, a verification token for two days; each is used once. */
export const RESET_TOKEN_TTL_MS = 3_600_000;
export const VERIFY_TOKEN_TTL_MS = 48 * 3_600_000;
/** At most this many reset emails per account per hour; more requests are answered alike and send nothing. */
export const RESET_EMAILS_PER_HOUR = 3;

type Purpose = 'password_reset' | 'email_verification';

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface AccountDeps {
  db: Db;
  clock: Clock;
  sessions: Sessions;
  /** Writes an account email to the outbox in the caller's transaction. */
  emit: (tx: Db, event: DomainEvent) => Promise<void>;
  audit: (e: { action: string; actorId?: string | null; subject?: string | null }, tx: Db) => Promise<void>;
}

/** The account's life after signup: reset, verification, profile, deletion. */
export function createAccount(deps: AccountDeps) {
  const { db, clock, sessions, emit, audit } = deps;

  async function issueToken(tx: Db, user: { id: string; email: string }, purpose: Purpose) {
    const token = randomBytes(24).toString('base64url');
    const expiresAt = new Date(
      clock.now().getTime() + (purpose === 'password_reset' ? RESET_TOKEN_TTL_MS : VERIFY_TOKEN_TTL_MS),
    );
    await tx
      .insertInto('account_tokens')
      .values({
        user_id: user.id,
        purpose,
        token_hash: hashToken(token),
        email: user.email,
        expires_at: expiresAt,
        used_at: null,
        created_at: clock.now(),
      })
      .execute();
    await emit(tx, {
      type: purpose === 'password_reset' ? 'account.password_reset' : 'account.verify_email',
      aggregateId: user.id,
      recipient: { email: user.email, userId: user.id },
      payload: { token, expiresAt: expiresAt.toISOString() },
    });
  }

  /** Uses a token once; undefined when it is unknown, used, expired or for another purpose. */
  async function useToken(tx: Db, token: string, purpose: Purpose) {
    return tx
      .updateTable('account_tokens')
      .set({ used_at: clock.now() })
      .where('token_hash', '=', hashToken(token))
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', clock.now())
      .returning(['user_id', 'email'])
      .executeTakeFirst();
  }

  const userById = (id: string, tx: Db = db) =>
    tx
      .selectFrom('users')
      .selectAll()
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();

  return {
    /** Sent at signup and on request: a link that confirms the account's current address. */
    sendVerification: (tx: Db, user: { id: string; email: string }) =>
      issueToken(tx, user, 'email_verification'),

    async requestVerification(userId: string) {
      const user = await userById(userId);
      if (!user) throw notFound('user_not_found', 'User not found');
      if (user.email_verified_at) return { alreadyVerified: true };
      await db.transaction().execute((tx) => issueToken(tx, user, 'email_verification'));
      return { alreadyVerified: false };
    },

    async verifyEmail(token: string) {
      await db.transaction().execute(async (tx) => {
        const used = await useToken(tx, token, 'email_verification');
        if (!used) throw badRequest('invalid_token', 'This confirmation code is unknown, used or expired');
        // A code confirms the address it was sent to, not one the account changed to since.
        const res = await tx
          .updateTable('users')
          .set({ email_verified_at: clock.now() })
          .where('id', '=', used.user_id)
          .where('email', '=', used.email)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1)
          throw badRequest('invalid_token', 'This code was sent to an address the account no longer has');
        await audit({ action: 'email.verify', actorId: used.user_id, subject: used.user_id }, tx);
      });
    },

    /**
     * Always answers the same, whether or not the account exists; an account gets at most
     * RESET_EMAILS_PER_HOUR reset emails an hour.
     */
    async requestPasswordReset(email: string) {
      const user = await db
        .selectFrom('users')
        .selectAll()
        .where('email', '=', email)
        .where('deleted_at', 'is', null)
        .where('disabled_at', 'is', null)
        .executeTakeFirst();
      if (!user) return;
      await db.transaction().execute(async (tx) => {
        const recent = await tx
          .selectFrom('account_tokens')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('user_id', '=', user.id)
          .where('purpose', '=', 'password_reset')
          .where('created_at', '>', new Date(clock.now().getTime() - 3_600_000))
          .executeTakeFirstOrThrow();
        if (Number(recent.n) >= RESET_EMAILS_PER_HOUR) return;
        await issueToken(tx, user, 'password_reset');
        await audit({ action: 'password.reset_requested', actorId: null, subject: user.id }, tx);
      });
    },

    /**
     * Sets a new password with a reset code; every session ends, and the address counts as
     * verified. Returns the account's email.
     */
    async resetPassword(token: string, newPassword: string): Promise<string> {
      checkPasswordPolicy(newPassword);
      const passwordHash = await hashPassword(newPassword);
      const { ended, email } = await db.transaction().execute(async (tx) => {
        const used = await useToken(tx, token, 'password_reset');
        if (!used) throw badRequest('invalid_token', 'This reset code is unknown, used or expired');
        await tx
          .updateTable('users')
          .set({ password_hash: passwordHash, updated_at: clock.now() })
          .where('id', '=', used.user_id)
          .execute();
        await tx
          .updateTable('users')
          .set({ email_verified_at: clock.now() })
          .where('id', '=', used.user_id)
          .where('email', '=', used.email)
          .where('email_verified_at', 'is', null)
          .execute();
        await tx
          .updateTable('account_tokens')
          .set({ used_at: clock.now() })
          .where('user_id', '=', used.user_id)
          .where('purpose', '=', 'password_reset')
          .where('used_at', 'is', null)
          .execute();
        await audit({ action: 'password.reset', actorId: used.user_id, subject: used.user_id }, tx);
        return { ended: await sessions.revokeAllOf(used.user_id, 'password_reset', tx), email: used.email };
      });
      await sessions.forget(ended);
      return email;
    },

    /** Name, or email (with the current password; the new address must be verified again). */
    async updateProfile(userId: string, input: { name?: string; email?: string; currentPassword?: string }) {
      const user = await userById(userId);
      if (!user) throw notFound('user_not_found', 'User not found');
      const emailChanges = input.email !== undefined && input.email !== user.email;
      if (emailChanges && !(await verifyPassword(user.password_hash, input.currentPassword ?? '')))
        throw forbidden('wrong_password', 'Changing the email address needs the current password');
      try {
        return await db.transaction().execute(async (tx) => {
          const updated = await tx
            .updateTable('users')
            .set({
              ...(input.name !== undefined ? { name: input.name } : {}),
              ...(emailChanges ? { email: input.email, email_verified_at: null } : {}),
              updated_at: clock.now(),
            })
            .where('id', '=', userId)
            .returningAll()
            .executeTakeFirstOrThrow();
          await audit({ action: 'profile.update', actorId: userId, subject: userId }, tx);
          if (emailChanges) await issueToken(tx, updated, 'email_verification');
          return updated;
        });
      } catch (err) {
        if (isConstraintViolation(err, 'users_email_key'))
          throw constraintError(IDENTITY_CONSTRAINTS.users_email_key);
        throw err;
      }
    },

    /**
     * Deletes an account by anonymising it: email, name, password and MFA are gone, every session
     * ends and it can never sign in again. Its bookings and the audit log stay, as the business must
     * keep them; they refer to the account's id only.
     */
    async deleteAccount(userId: string, currentPassword: string) {
      const user = await userById(userId);
      if (!user) throw notFound('user_not_found', 'User not found');
      if (!(await verifyPassword(user.password_hash, currentPassword)))
        throw forbidden('wrong_password', 'Deleting the account needs the current password');
      const ended = await db.transaction().execute(async (tx) => {
        await tx
          .updateTable('users')
          .set({
            email: `deleted-${user.id}@deleted.invalid`,
            name: 'Deleted account',
            password_hash: `!deleted:${randomBytes(16).toString('hex')}`,
            role: 'customer',
            mfa_secret: null,
            mfa_enabled_at: null,
            email_verified_at: null,
            deleted_at: clock.now(),
            disabled_at: clock.now(),
            updated_at: clock.now(),
          })
          .where('id', '=', userId)
          .execute();
        await tx.deleteFrom('account_tokens').where('user_id', '=', userId).execute();
        await tx.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
        await audit({ action: 'user.delete', actorId: userId, subject: userId }, tx);
        return sessions.revokeAllOf(userId, 'deleted', tx);
      });
      await sessions.forget(ended);
    },
  };
}

export type Account = ReturnType<typeof createAccount>;
