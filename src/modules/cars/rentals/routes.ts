import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { IdempotencyHeaders, idempotencyKey, sendOutcome } from '../../../platform/http/idempotency.js';
import type { RouteDeps } from '../../module.js';
import { IdParams } from '../fleet/schemas.js';
import { Booking, BookingCreate, BookingList, BookingListQuery } from './schemas.js';
import type { RentalsService } from './service.js';

export const rentalsRoutes: FastifyPluginAsyncZod<RouteDeps<RentalsService>> = async (
  app,
  { service: bookings },
) => {
  const auth = { onRequest: app.requireUser };
  const doc = { tags: ['bookings'], security: [{ bearer: [] }] };

  app.post(
    '/bookings',
    {
      ...auth,
      schema: {
        ...doc,
        summary: 'Book a car; the same Idempotency-Key and body return the same booking',
        headers: IdempotencyHeaders,
        body: BookingCreate,
        response: { 201: Booking },
      },
    },
    async (request, reply) =>
      sendOutcome(
        reply,
        await bookings.create(request.principal!.userId, request.body, idempotencyKey(request)),
      ),
  );

  app.get(
    '/bookings',
    {
      ...auth,
      schema: {
        ...doc,
        summary: 'Your bookings, newest first',
        querystring: BookingListQuery,
        response: { 200: BookingList },
      },
    },
    async (request) => bookings.listOwn(request.principal!.userId, request.query),
  );

  app.get(
    '/bookings/:id',
    {
      ...auth,
      schema: {
        ...doc,
        summary: 'One booking (owner or admin)',
        params: IdParams,
        response: { 200: Booking },
      },
    },
    async (request) => bookings.get(request.params.id, request.principal!),
  );

  app.post(
    '/bookings/:id/cancel',
    {
      ...auth,
      schema: {
        ...doc,
        summary: 'Cancel before pickup (idempotent; an Idempotency-Key replays the first answer)',
        headers: IdempotencyHeaders,
        params: IdParams,
        response: { 200: Booking },
      },
    },
    async (request, reply) =>
      sendOutcome(
        reply,
        await bookings.cancelOnce(request.params.id, request.principal!, idempotencyKey(request)),
      ),
  );
};
