import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../module.js';
import {
  DeadLetter,
  DeadLetterParams,
  ListQuery,
  NotificationList,
  Outbox,
  OutboxMessage,
  OutboxParams,
  OutboxQuery,
  RetryAllResult,
} from './schemas.js';
import type { NotificationsService } from './service.js';

export const notificationsRoutes: FastifyPluginAsyncZod<RouteDeps<NotificationsService>> = async (
  app,
  { service: notifications },
) => {
  const doc = { tags: ['notifications'], security: [{ bearer: [] }] };

  app.get(
    '/notifications',
    {
      onRequest: app.requireUser,
      schema: {
        ...doc,
        summary: 'Your notifications, newest first, with their delivery state',
        querystring: ListQuery,
        response: { 200: NotificationList },
      },
    },
    async (request) => notifications.listOwn(request.principal!.userId, request.query.limit),
  );

  app.get(
    '/notifications/outbox',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        ...doc,
        summary: "Everyone's notifications, newest first, optionally for one recipient (admin)",
        querystring: OutboxQuery,
        response: { 200: Outbox },
      },
    },
    async (request) => notifications.outbox(request.query),
  );

  app.get(
    '/notifications/outbox/:id',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        ...doc,
        summary: 'The email of a notification: as sent, or a preview before it goes out (admin)',
        params: OutboxParams,
        response: { 200: OutboxMessage },
      },
    },
    async (request) => notifications.message(request.params.id),
  );

  app.get(
    '/notifications/dead-letters',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        ...doc,
        summary: 'Emails whose retries ran out (admin)',
        querystring: ListQuery,
        response: { 200: z.object({ deadLetters: z.array(DeadLetter) }) },
      },
    },
    async (request) => ({ deadLetters: await notifications.deadLetters(request.query.limit) }),
  );

  app.post(
    '/notifications/dead-letters/:id/retry',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        ...doc,
        summary: 'Send a dead letter again (admin); an email already sent is not sent twice',
        params: DeadLetterParams,
        response: { 202: z.object({ jobId: z.string() }) },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(await notifications.retryDeadLetter(request.params.id, request.principal!.userId)),
  );

  app.post(
    '/notifications/dead-letters/retry-all',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        ...doc,
        summary: 'Send every dead letter again (admin); answers how many were queued',
        response: { 202: RetryAllResult },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await notifications.retryAllDeadLetters(request.principal!.userId)),
  );
};
