import type { FastifyContextConfig } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../module.js';
import {
  AuthTokens,
  ChangePasswordBody,
  LoginBody,
  RefreshBody,
  SignupBody,
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
};
