import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { Clock } from '../clock.js';
import { type ConstraintError, forbidden, unauthorized } from './errors.js';

/**
 * A valid token whose subject no longer exists (removed, or a restore from before it signed up):
 * modules map the foreign keys that point at it to this, so that writes answer 401 instead of 500.
 */
export const SUBJECT_GONE: ConstraintError = {
  statusCode: 401,
  code: 'account_not_found',
  message: 'The account this token belongs to no longer exists; sign in again',
};

/**
 * Access tokens: short-lived HS256 JWTs carrying the subject, the role and the session id (`sid`).
 * The signature is verified here (and at the gateway) without a database round trip; where a session
 * check is given (the api roles), each request is also checked against the session it belongs to,
 * so that a revoked session or a changed role counts from the next request.
 */
export interface Principal {
  userId: string;
  role: string;
  sessionId?: string;
  /** The session was signed in with a second factor. */
  mfa?: boolean;
}

/** The current principal for a verified token, or why its session no longer serves. */
export type SessionCheck = (
  principal: Principal,
) => Promise<{ principal: Principal } | { problem: 'session_revoked' | 'account_disabled' }>;

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    /** Why a presented token was refused, so that protected routes can say so. */
    tokenProblem: string | null;
  }
  interface FastifyInstance {
    requireUser: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    requireRole: (role: string) => (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

export interface AccessTokenOptions {
  secret: string;
  issuer: string;
  ttlMs: number;
  clock: Clock;
}

export function createAccessTokens(opts: AccessTokenOptions) {
  const key = new TextEncoder().encode(opts.secret);
  const audience = `${opts.issuer}:access`;
  return {
    ttlSeconds: Math.floor(opts.ttlMs / 1000),

    async sign(principal: Principal): Promise<string> {
      const iat = Math.floor(opts.clock.now().getTime() / 1000);
      return new SignJWT({
        role: principal.role,
        ...(principal.sessionId ? { sid: principal.sessionId } : {}),
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(principal.userId)
        .setIssuer(opts.issuer)
        .setAudience(audience)
        .setIssuedAt(iat)
        .setExpirationTime(iat + Math.floor(opts.ttlMs / 1000))
        .sign(key);
    },

    /** Resolves the principal, or rejects with a reason code. */
    async verify(token: string): Promise<Principal> {
      try {
        const { payload } = await jwtVerify(token, key, {
          issuer: opts.issuer,
          audience,
          algorithms: ['HS256'],
          currentDate: opts.clock.now(),
        });
        if (typeof payload.sub !== 'string' || typeof payload.role !== 'string')
          throw new Error('token_invalid');
        const sid = typeof payload.sid === 'string' ? { sessionId: payload.sid } : {};
        return { userId: payload.sub, role: payload.role, ...sid };
      } catch (err) {
        throw new Error(err instanceof joseErrors.JWTExpired ? 'token_expired' : 'token_invalid');
      }
    },
  };
}

export type AccessTokens = ReturnType<typeof createAccessTokens>;

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, token] = header.split(' ');
  return scheme?.toLowerCase() === 'bearer' && token ? token.trim() : undefined;
}

export const authPlugin = fp<{ tokens: AccessTokens; sessions?: SessionCheck; mfaRoles?: string[] }>(
  async (app: FastifyInstance, { tokens, sessions, mfaRoles = [] }) => {
    app.decorateRequest('principal', null);
    app.decorateRequest('tokenProblem', null);

    app.addHook('onRequest', async (request) => {
      const token = bearerToken(request);
      if (!token) return;
      let principal: Principal;
      try {
        principal = await tokens.verify(token);
      } catch (err) {
        request.tokenProblem = (err as Error).message;
        return;
      }
      if (!sessions) {
        request.principal = principal;
        return;
      }
      const checked = await sessions(principal);
      if ('problem' in checked) request.tokenProblem = checked.problem;
      else request.principal = checked.principal;
    });

    app.decorate('requireUser', async (request: FastifyRequest) => {
      if (request.principal) return;
      if (request.tokenProblem === 'token_expired')
        throw unauthorized('token_expired', 'Access token has expired');
      if (request.tokenProblem === 'session_revoked')
        throw unauthorized('session_revoked', 'This session has ended; sign in again');
      if (request.tokenProblem === 'account_disabled')
        throw unauthorized('account_disabled', 'This account is disabled');
      if (request.tokenProblem) throw unauthorized('invalid_token', 'Access token is not valid');
      throw unauthorized();
    });

    app.decorate('requireRole', (role: string) => async (request: FastifyRequest, reply: FastifyReply) => {
      await app.requireUser(request, reply);
      if (request.principal?.role !== role) throw forbidden('forbidden', `This needs the ${role} role`);
      if (sessions && mfaRoles.includes(role) && !request.principal.mfa)
        throw forbidden('mfa_required', `The ${role} role needs a session signed in with MFA`);
    });
  },
  { name: 'voyage-auth' },
);
