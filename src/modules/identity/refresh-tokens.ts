import { randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

/**
 * Refresh tokens are JWTs signed with their own secret; the database row per token id (jti) is
 * what makes them single-use and revocable by family.
 */
export interface RefreshClaims {
  tokenId: string;
  familyId: string;
  userId: string;
}

export function createRefreshTokens(opts: { secret: string; issuer: string; ttlMs: number }) {
  const key = new TextEncoder().encode(opts.secret);
  const audience = `${opts.issuer}:refresh`;
  return {
    ttlMs: opts.ttlMs,

    async issue(
      userId: string,
      familyId: string,
      now: Date,
    ): Promise<{ token: string; claims: RefreshClaims; expiresAt: Date }> {
      const tokenId = randomUUID();
      const iat = Math.floor(now.getTime() / 1000);
      const expiresAt = new Date((iat + Math.floor(opts.ttlMs / 1000)) * 1000);
      const token = await new SignJWT({ fam: familyId })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(userId)
        .setJti(tokenId)
        .setIssuer(opts.issuer)
        .setAudience(audience)
        .setIssuedAt(iat)
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(key);
      return { token, claims: { tokenId, familyId, userId }, expiresAt };
    },

    /** Checks the signature (and expiry unless told not to); returns undefined when it fails. */
    async read(
      token: string,
      now: Date,
      opts2: { allowExpired?: boolean } = {},
    ): Promise<RefreshClaims | undefined> {
      try {
        const { payload } = await jwtVerify(token, key, {
          issuer: opts.issuer,
          audience,
          algorithms: ['HS256'],
          currentDate: now,
          ...(opts2.allowExpired ? { clockTolerance: Number.MAX_SAFE_INTEGER } : {}),
        });
        if (
          typeof payload.sub !== 'string' ||
          typeof payload.jti !== 'string' ||
          typeof payload.fam !== 'string'
        ) {
          return undefined;
        }
        return { tokenId: payload.jti, familyId: payload.fam, userId: payload.sub };
      } catch {
        return undefined;
      }
    },
  };
}

export type RefreshTokens = ReturnType<typeof createRefreshTokens>;
