import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RouteDeps } from '../../module.js';
import { IdParams } from '../fleet/schemas.js';
import { Booking, BookingCreate, BookingList, BookingListQuery, IdempotencyHeaders } from './schemas.js';
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
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const result = await bookings.create(request.principal!.userId, request.body, key);
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(result.statusCode as 201).send(result.booking);
    },
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
        summary: 'Cancel before pickup (idempotent)',
        params: IdParams,
        response: { 200: Booking },
      },
    },
    async (request) => bookings.cancel(request.params.id, request.principal!),
  );
};
