// Over 300 lines: every identity route (sign-in, sessions, account lifecycle, MFA, admin users) sits
// in one plugin so that they share the /auth rate limit and request metadata.
import type { FastifyContextConfig } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../module.js';
import {
  AuditPage,
  AuditQuery,
  AuthTokens,
  ChangePasswordBody,
  CurrentPasswordBody,
  LoginBody,
  MfaCodeBody,
  MfaSetup,
  PasswordResetBody,
  PasswordResetRequestBody,
  ProfileBody,
  RecoveryCodes,
  RefreshBody,
  SignupBody,
  TokenBody,
  User,
  UserIdParams,
  UserList,
  UserSearchQuery,
} from './schemas.js';
import type { IdentityService } from './service.js';

export const identityRoutes: FastifyPluginAsyncZod<RouteDeps<IdentityService>> = async (
  app,
  { service: identity, config },
) => {
  // Stricter than the global limit; 0 turns the /auth limit off.
  const authLimit: FastifyContextConfig = {
    rateLimit:
      config.http.authRateLimitMax > 0
        ? { max: config.http.authRateLimitMax, timeWindow: config.http.rateLimitWindowMs }
        : false,
  };
  const meta = (request: { ip: string; id: string }) => ({ ip: request.ip, requestId: request.id });

  app.post(
    '/auth/signup',
    {
      config: authLimit,
      schema: {
        tags: ['auth'],
        summary: 'Create an account',
        body: SignupBody,
        response: { 201: AuthTokens },
      },
    },
    async (request, reply) => reply.status(201).send(await identity.signup(request.body, meta(request))),
  );

  app.post(
    '/auth/login',
    {
      config: authLimit,
      schema: { tags: ['auth'], summary: 'Sign in', body: LoginBody, response: { 200: AuthTokens } },
    },
    async (request) => identity.login(request.body, meta(request)),
  );

  app.post(
    '/auth/refresh',
    {
      config: authLimit,
      schema: {
        tags: ['auth'],
        summary: 'Exchange a refresh token (single use)',
        body: RefreshBody,
        response: { 200: AuthTokens },
      },
    },
    async (request) => identity.refresh(request.body.refreshToken, meta(request)),
  );

  app.post(
    '/auth/logout',
    {
      config: authLimit,
      schema: { tags: ['auth'], summary: 'Revoke a refresh token and its family', body: RefreshBody },
    },
    async (request, reply) => {
      await identity.logout(request.body.refreshToken, meta(request));
      return reply.status(204).send();
    },
  );

  app.get(
    '/auth/me',
    {
      onRequest: app.requireUser,
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user',
        security: [{ bearer: [] }],
        response: { 200: User },
      },
    },
    async (request) => identity.getUser(request.principal!.userId),
  );

  app.put(
    '/users/:id/role',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        tags: ['auth'],
        summary: 'Change a user’s role (admin)',
        security: [{ bearer: [] }],
        params: z.object({ id: z.uuid() }),
        body: z.object({ role: z.enum(['customer', 'admin']) }),
        response: { 200: User },
      },
    },
    async (request) =>
      identity.setRole(request.params.id, request.body.role, request.principal!.userId, meta(request)),
  );

  app.post(
    '/auth/lockouts/unlock',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        tags: ['auth'],
        summary: 'Let an account locked out by failed logins sign in again, from every address (admin)',
        security: [{ bearer: [] }],
        body: z.object({ email: z.email().max(254) }),
        response: { 200: z.object({ unlocked: z.number().int() }) },
      },
    },
    async (request) => identity.unlockLogin(request.body.email, request.principal!.userId, meta(request)),
  );

  app.post(
    '/auth/password',
    {
      config: authLimit,
      onRequest: app.requireUser,
      schema: {
        tags: ['auth'],
        summary: 'Change your password; every other session ends (403 wrong_password)',
        security: [{ bearer: [] }],
        body: ChangePasswordBody,
      },
    },
    async (request, reply) => {
      await identity.changePassword(request.principal!, request.body, meta(request));
      return reply.status(204).send();
    },
  );

  app.get(
    '/users',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        tags: ['admin'],
        summary: 'Find users by email or name (admin)',
        security: [{ bearer: [] }],
        querystring: UserSearchQuery,
        response: { 200: UserList },
      },
    },
    async (request) => ({ users: await identity.findUsers(request.query) }),
  );

  app.get(
    '/users/:id',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        tags: ['admin'],
        summary: 'One user (admin)',
        security: [{ bearer: [] }],
        params: UserIdParams,
        response: { 200: User },
      },
    },
    async (request) => identity.getUser(request.params.id),
  );

  for (const [action, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    app.post(
      `/users/:id/${action}`,
      {
        onRequest: app.requireRole('admin'),
        schema: {
          tags: ['admin'],
          summary: disabled
            ? 'Disable an account: its sessions end at once and it cannot sign in (admin)'
            : 'Enable a disabled account (admin)',
          security: [{ bearer: [] }],
          params: UserIdParams,
          response: { 200: User },
        },
      },
      async (request) =>
        identity.setDisabled(request.params.id, disabled, request.principal!.userId, meta(request)),
    );
  }

  const secured = { security: [{ bearer: [] }] };

  app.get(
    '/audit',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        tags: ['admin'],
        ...secured,
        summary:
          'The audit log, newest first, by actor, action (booking.* for a family), subject and time (admin)',
        querystring: AuditQuery,
        response: { 200: AuditPage },
      },
    },
    async (request) => identity.searchAudit(request.query),
  );
  const accepted = z.object({ accepted: z.literal(true) });

  app.post(
    '/auth/password-reset/request',
    {
      config: authLimit,
      schema: {
        tags: ['auth'],
        summary: 'Email a single-use reset code (always 202: whether the account exists is not told)',
        body: PasswordResetRequestBody,
        response: { 202: accepted },
      },
    },
    async (request, reply) => {
      await identity.requestPasswordReset(request.body.email);
      return reply.status(202).send({ accepted: true });
    },
  );

  app.post(
    '/auth/password-reset',
    {
      config: authLimit,
      schema: {
        tags: ['auth'],
        summary: 'Set a new password with an emailed reset code; every session ends (400 invalid_token)',
        body: PasswordResetBody,
      },
    },
    async (request, reply) => {
      await identity.resetPassword(request.body.token, request.body.newPassword);
      return reply.status(204).send();
    },
  );

  app.post(
    '/auth/verify-email/request',
    {
      config: authLimit,
      onRequest: app.requireUser,
      schema: {
        tags: ['auth'],
        ...secured,
        summary: 'Email a new confirmation code for your address',
        response: { 202: z.object({ accepted: z.literal(true), alreadyVerified: z.boolean() }) },
      },
    },
    async (request, reply) => {
      const { alreadyVerified } = await identity.requestVerification(request.principal!.userId);
      return reply.status(202).send({ accepted: true, alreadyVerified });
    },
  );

  app.post(
    '/auth/verify-email',
    {
      config: authLimit,
      schema: {
        tags: ['auth'],
        summary: 'Confirm an address with its emailed code (400 invalid_token)',
        body: TokenBody,
      },
    },
    async (request, reply) => {
      await identity.verifyEmail(request.body.token);
      return reply.status(204).send();
    },
  );

  app.patch(
    '/auth/me',
    {
      onRequest: app.requireUser,
      schema: {
        tags: ['auth'],
        ...secured,
        summary: 'Edit your name or email (a new email needs currentPassword and is verified again)',
        body: ProfileBody,
        response: { 200: User },
      },
    },
    async (request) => identity.updateProfile(request.principal!.userId, request.body),
  );

  app.delete(
    '/auth/me',
    {
      onRequest: app.requireUser,
      schema: {
        tags: ['auth'],
        ...secured,
        summary: 'Delete your account: personal data is anonymised; bookings and the audit log stay',
        body: CurrentPasswordBody,
      },
    },
    async (request, reply) => {
      await identity.deleteAccount(request.principal!.userId, request.body.currentPassword);
      return reply.status(204).send();
    },
  );

  app.post(
    '/auth/mfa/setup',
    {
      onRequest: app.requireUser,
      schema: {
        tags: ['auth'],
        ...secured,
        summary: 'Start TOTP MFA: a secret and otpauth:// URL for an authenticator app',
        response: { 200: MfaSetup },
      },
    },
    async (request) => identity.mfaSetup(request.principal!.userId),
  );

  app.post(
    '/auth/mfa/enable',
    {
      onRequest: app.requireUser,
      schema: {
        tags: ['auth'],
        ...secured,
        summary: 'Turn MFA on with a code from the app; returns ten one-time recovery codes',
        body: MfaCodeBody,
        response: { 200: RecoveryCodes },
      },
    },
    async (request) =>
      identity.mfaEnable(request.principal!.userId, request.principal!.sessionId, request.body.code),
  );

  app.post(
    '/auth/mfa/disable',
    {
      onRequest: app.requireUser,
      schema: {
        tags: ['auth'],
        ...secured,
        summary: 'Turn MFA off with a code or recovery code (admins cannot: 409 mfa_required_for_admins)',
        body: MfaCodeBody,
      },
    },
    async (request, reply) => {
      await identity.mfaDisable(request.principal!.userId, request.body.code);
      return reply.status(204).send();
    },
  );
};
