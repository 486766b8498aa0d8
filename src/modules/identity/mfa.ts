import { createHash, randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import type { Clock } from '../../platform/clock.js';
import { badRequest, conflict, unauthorized } from '../../platform/http/errors.js';
import type { Db } from '../database.js';
import type { Sessions } from './sessions.js';

/**
 * TOTP MFA (RFC 6238, otplib) with ten one-time recovery codes, stored as SHA-256 hashes. Admin
 * operations need a session signed in with MFA (the auth plugin's `mfaRoles`), and an admin cannot
 * turn MFA off.
 */
export const RECOVERY_CODES = 10;

const hashCode = (code: string) =>
  createHash('sha256').update(code.replace(/[\s-]/g, '').toLowerCase()).digest('hex');

function newRecoveryCode(): string {
  const hex = randomBytes(5).toString('hex');
  return `${hex.slice(0, 5)}-${hex.slice(5)}`;
}

export function createMfa(deps: { db: Db; clock: Clock; sessions: Sessions; issuer: string }) {
  const { db, clock, sessions } = deps;

  async function totpValid(secret: string, code: string): Promise<boolean> {
    if (!/^\d{6}$/.test(code)) return false;
    const result = await verify({
      secret,
      token: code,
      epoch: Math.floor(clock.now().getTime() / 1000),
      epochTolerance: 30,
    });
    return result.valid;
  }

  async function user(userId: string, tx: Db = db) {
    return tx
      .selectFrom('users')
      .select(['id', 'email', 'role', 'mfa_secret', 'mfa_enabled_at'])
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
  }

  /** True when `code` is a current TOTP code or an unused recovery code (which it then uses up). */
  async function accept(userId: string, secret: string, code: string, tx: Db = db): Promise<boolean> {
    if (await totpValid(secret, code)) return true;
    const used = await tx
      .updateTable('mfa_recovery_codes')
      .set({ used_at: clock.now() })
      .where('user_id', '=', userId)
      .where('code_hash', '=', hashCode(code))
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(used.numUpdatedRows) === 1;
  }

  return {
    accept,

    /** Step one: a new secret for the authenticator app; MFA is on only once a code confirms it. */
    async setup(userId: string) {
      const u = await user(userId);
      if (u.mfa_enabled_at) throw conflict('mfa_already_enabled', 'MFA is already on for this account');
      const secret = generateSecret();
      await db.updateTable('users').set({ mfa_secret: secret }).where('id', '=', userId).execute();
      return { secret, otpauthUrl: generateURI({ issuer: deps.issuer, label: u.email, secret }) };
    },

    /** Step two: a code from the app turns MFA on, marks this session as MFA-signed, and returns recovery codes. */
    async enable(userId: string, sessionId: string | undefined, code: string) {
      const u = await user(userId);
      if (u.mfa_enabled_at) throw conflict('mfa_already_enabled', 'MFA is already on for this account');
      if (!u.mfa_secret) throw conflict('mfa_not_set_up', 'Start with POST /auth/mfa/setup');
      if (!(await totpValid(u.mfa_secret, code)))
        throw badRequest('invalid_mfa_code', 'This code is not valid for the secret just set up');
      const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
      await db.transaction().execute(async (tx) => {
        await tx.updateTable('users').set({ mfa_enabled_at: clock.now() }).where('id', '=', userId).execute();
        await tx.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
        await tx
          .insertInto('mfa_recovery_codes')
          .values(codes.map((c) => ({ user_id: userId, code_hash: hashCode(c), used_at: null })))
          .execute();
        if (sessionId)
          await tx.updateTable('sessions').set({ mfa: true }).where('id', '=', sessionId).execute();
      });
      if (sessionId) await sessions.forget([sessionId]);
      return { recoveryCodes: codes };
    },

    async disable(userId: string, code: string) {
      const u = await user(userId);
      if (!u.mfa_enabled_at || !u.mfa_secret)
        throw conflict('mfa_not_enabled', 'MFA is not on for this account');
      if (u.role === 'admin') throw conflict('mfa_required_for_admins', 'Admins cannot turn MFA off');
      if (!(await accept(userId, u.mfa_secret, code)))
        throw unauthorized('invalid_mfa_code', 'This code is not valid');
      await db.transaction().execute(async (tx) => {
        await tx
          .updateTable('users')
          .set({ mfa_enabled_at: null, mfa_secret: null })
          .where('id', '=', userId)
          .execute();
        await tx.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
      });
    },

    /** At sign-in: undefined when the account has no MFA, else whether the code passed (throws when missing). */
    async checkAtLogin(
      u: { id: string; mfa_secret: string | null; mfa_enabled_at: Date | null },
      code: string | undefined,
    ): Promise<boolean> {
      if (!u.mfa_enabled_at || !u.mfa_secret) return false;
      if (!code) throw unauthorized('mfa_required', 'This account uses MFA: send mfaCode with the password');
      if (!(await accept(u.id, u.mfa_secret, code)))
        throw unauthorized('invalid_mfa_code', 'The MFA code is not valid');
      return true;
    },
  };
}

export type Mfa = ReturnType<typeof createMfa>;
