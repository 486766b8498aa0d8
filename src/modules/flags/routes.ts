import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../module.js';
import { EvaluatedFlags, Flag, FlagCreate, FlagKeyParams, FlagUpdate } from './schemas.js';
import type { FlagsService } from './service.js';

export const flagsRoutes: FastifyPluginAsyncZod<RouteDeps<FlagsService>> = async (
  app,
  { service: flags },
) => {
  const admin = { onRequest: app.requireRole('admin') };
  const adminDoc = { tags: ['flags'], security: [{ bearer: [] }] };

  app.get(
    '/flags',
    {
      schema: {
        tags: ['flags'],
        summary: 'Every feature flag evaluated for the signed-in user (or for nobody)',
        response: { 200: EvaluatedFlags },
      },
    },
    async (request) => flags.evaluateAll(request.principal?.userId ?? null),
  );

  app.get(
    '/feature-flags',
    {
      ...admin,
      schema: {
        ...adminDoc,
        summary: 'Flag definitions (admin)',
        response: { 200: z.object({ flags: z.array(Flag) }) },
      },
    },
    async () => ({ flags: await flags.list() }),
  );

  app.post(
    '/feature-flags',
    {
      ...admin,
      schema: { ...adminDoc, summary: 'Create a flag (admin)', body: FlagCreate, response: { 201: Flag } },
    },
    async (request, reply) =>
      reply.status(201).send(await flags.create(request.body, request.principal!.userId)),
  );

  app.get(
    '/feature-flags/:key',
    {
      ...admin,
      schema: { ...adminDoc, summary: 'One flag (admin)', params: FlagKeyParams, response: { 200: Flag } },
    },
    async (request) => flags.get(request.params.key),
  );

  app.patch(
    '/feature-flags/:key',
    {
      ...admin,
      schema: {
        ...adminDoc,
        summary: 'Change a flag (admin); takes effect at once',
        params: FlagKeyParams,
        body: FlagUpdate,
        response: { 200: Flag },
      },
    },
    async (request) => flags.update(request.params.key, request.body, request.principal!.userId),
  );

  app.delete(
    '/feature-flags/:key',
    {
      ...admin,
      schema: { ...adminDoc, summary: 'Delete a flag (admin)', params: FlagKeyParams },
    },
    async (request, reply) => {
      await flags.remove(request.params.key, request.principal!.userId);
      return reply.status(204).send();
    },
  );
};
