import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../module.js';
import { TripParams } from '../trips/schemas.js';
import type { ExportsService } from './service.js';

/** A file name that any client accepts: the trip's name, plainly. */
function fileName(name: string, ext: string): string {
  const base =
    name
      .normalize('NFKD')
      .replace(/[^\w\s-]/g, '')
      .trim()
      .replace(/\s+/g, '-')
      .toLowerCase() || 'trip';
  return `${base.slice(0, 60)}.${ext}`;
}

const FeedParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,64}$/) });
const Feed = z.object({ url: z.string(), createdAt: z.string() });

export const exportsRoutes: FastifyPluginAsyncZod<RouteDeps<ExportsService>> = async (
  app,
  { service: exports, config },
) => {
  const auth = { onRequest: app.requireUser };
  const doc = { tags: ['exports'], security: [{ bearer: [] }] };

  app.get(
    '/trips/:id/calendar.ics',
    {
      ...auth,
      schema: {
        ...doc,
        summary: 'The trip as an iCalendar file (text/calendar); events keep their UIDs across exports',
        params: TripParams,
      },
    },
    async (request, reply) => {
      const { name, ics } = await exports.calendar(request.params.id, request.principal!);
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', `attachment; filename="${fileName(name, 'ics')}"`)
        .send(ics);
    },
  );

  app.get(
    '/trips/:id/itinerary.pdf',
    {
      ...auth,
      schema: {
        ...doc,
        summary: 'The trip as a PDF (application/pdf): summary, bookings, day plans',
        params: TripParams,
      },
    },
    async (request, reply) => {
      const { name, pdf } = await exports.pdf(request.params.id, request.principal!);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${fileName(name, 'pdf')}"`)
        .send(pdf);
    },
  );

  app.post(
    '/trips/:id/calendar-feed',
    {
      ...auth,
      schema: {
        ...doc,
        summary: 'A private calendar feed URL for you; replaces your previous one',
        params: TripParams,
        response: { 201: Feed },
      },
    },
    async (request, reply) => {
      const feed = await exports.createFeed(request.params.id, request.principal!);
      const origin = config.publicUrl ?? `${request.protocol}://${request.host}`;
      return reply
        .status(201)
        .send({ url: `${origin}/calendar/${feed.token}.ics`, createdAt: feed.createdAt });
    },
  );

  app.delete(
    '/trips/:id/calendar-feed',
    { ...auth, schema: { ...doc, summary: 'Revoke your calendar feed of this trip', params: TripParams } },
    async (request, reply) => {
      await exports.revokeFeed(request.params.id, request.principal!);
      return reply.status(204).send();
    },
  );

  app.get(
    '/calendar/:token.ics',
    {
      config: { secretParams: ['token'] },
      schema: {
        tags: ['exports'],
        summary: 'A private calendar feed (text/calendar); the token is the credential, revocable',
        params: FeedParams,
      },
    },
    async (request, reply) => {
      const ics = await exports.feed(request.params.token);
      return reply
        .type('text/calendar; charset=utf-8')
        .header('cache-control', 'private, max-age=300')
        .send(ics);
    },
  );

  app.get(
    '/account/export',
    {
      onRequest: app.requireUser,
      schema: {
        tags: ['auth'],
        security: [{ bearer: [] }],
        summary: 'Everything Voyage holds on you, as one JSON document (account, bookings, trips, emails)',
        response: { 200: z.record(z.string(), z.unknown()) },
      },
    },
    async (request, reply) => {
      reply.header('content-disposition', 'attachment; filename="voyage-account.json"');
      return exports.accountExport(request.principal!.userId);
    },
  );
};
