import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdempotencyHeaders, idempotencyKey, sendOutcome } from '../../platform/http/idempotency.js';
import { IdParams } from '../cars/fleet/schemas.js';
import type { RouteDeps } from '../module.js';
import {
  InventoryNight,
  InventoryQuery,
  InventoryUpdate,
  Property,
  PropertyAdminQuery,
  PropertyCreate,
  PropertyDetail,
  RoomType,
  RoomTypeCreate,
  StayBooking,
  StayBookingCreate,
  StayBookingList,
  StayBookingListQuery,
  StaySearchQuery,
  StaySearchResponse,
} from './schemas.js';
import type { StaysService } from './service.js';

export const staysRoutes: FastifyPluginAsyncZod<RouteDeps<StaysService>> = async (
  app,
  { service: stays },
) => {
  const admin = { onRequest: app.requireRole('admin') };
  const auth = { onRequest: app.requireUser };
  const secured = { security: [{ bearer: [] }] };

  app.get(
    '/stays/search',
    {
      schema: {
        tags: ['stays'],
        summary: 'Properties with a room type free on every night, with the total price',
        querystring: StaySearchQuery,
        response: { 200: StaySearchResponse },
      },
    },
    async (request) => stays.search(request.query),
  );

  app.get(
    '/stays/properties',
    {
      ...admin,
      schema: {
        tags: ['stays'],
        ...secured,
        summary: 'Every property with its room types, by city and name (admin)',
        querystring: PropertyAdminQuery,
        response: { 200: z.object({ properties: z.array(PropertyDetail) }) },
      },
    },
    async (request) => ({ properties: await stays.listProperties(request.query) }),
  );

  app.get(
    '/stays/properties/:id',
    {
      schema: {
        tags: ['stays'],
        summary: 'A property and its room types',
        params: IdParams,
        response: { 200: PropertyDetail },
      },
    },
    async (request) => stays.getProperty(request.params.id),
  );

  app.post(
    '/stays/properties',
    {
      ...admin,
      schema: {
        tags: ['stays'],
        ...secured,
        summary: 'Add a property (admin)',
        body: PropertyCreate,
        response: { 201: Property },
      },
    },
    async (request, reply) => reply.status(201).send(await stays.createProperty(request.body)),
  );

  app.post(
    '/stays/properties/:id/room-types',
    {
      ...admin,
      schema: {
        tags: ['stays'],
        ...secured,
        summary: 'Add a room type to a property (admin)',
        params: IdParams,
        body: RoomTypeCreate,
        response: { 201: RoomType },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await stays.createRoomType(request.params.id, request.body)),
  );

  app.put(
    '/stays/room-types/:id/inventory',
    {
      ...admin,
      schema: {
        tags: ['stays'],
        ...secured,
        summary: 'Put rooms on sale for a range of nights (admin); never fewer than are booked',
        description:
          'Fewer rooms than are already booked on a night is 409 rooms_below_booked, with `details.nights` listing each such night and its rooms booked; nothing is changed.',
        params: IdParams,
        body: InventoryUpdate,
        response: { 200: z.object({ nights: z.number().int() }) },
      },
    },
    async (request) => stays.setInventory(request.params.id, request.body, request.principal?.userId ?? null),
  );

  app.get(
    '/stays/room-types/:id/inventory',
    {
      ...admin,
      schema: {
        tags: ['stays'],
        ...secured,
        summary: 'Rooms on sale and booked per night (admin)',
        params: IdParams,
        querystring: InventoryQuery,
        response: { 200: z.object({ nights: z.array(InventoryNight) }) },
      },
    },
    async (request) => ({
      nights: await stays.inventory(request.params.id, request.query.from, request.query.to),
    }),
  );

  app.post(
    '/stay-bookings',
    {
      ...auth,
      schema: {
        tags: ['stays'],
        ...secured,
        summary: 'Book one room for every night of a stay, or none (409 sold_out names the full night)',
        headers: IdempotencyHeaders,
        body: StayBookingCreate,
        response: { 201: StayBooking },
      },
    },
    async (request, reply) =>
      sendOutcome(
        reply,
        await stays.bookOnce(request.principal!.userId, request.body, idempotencyKey(request)),
      ),
  );

  app.get(
    '/stay-bookings',
    {
      ...auth,
      schema: {
        tags: ['stays'],
        ...secured,
        summary: 'Your stays, newest first',
        querystring: StayBookingListQuery,
        response: { 200: StayBookingList },
      },
    },
    async (request) => stays.listOwn(request.principal!.userId, request.query),
  );

  app.get(
    '/stay-bookings/:id',
    {
      ...auth,
      schema: {
        tags: ['stays'],
        ...secured,
        summary: 'One stay (owner or admin)',
        params: IdParams,
        response: { 200: StayBooking },
      },
    },
    async (request) => stays.get(request.params.id, request.principal!),
  );

  app.post(
    '/stay-bookings/:id/cancel',
    {
      ...auth,
      schema: {
        tags: ['stays'],
        ...secured,
        summary: 'Cancel before the check-in date and give the nights back (idempotent)',
        headers: IdempotencyHeaders,
        params: IdParams,
        response: { 200: StayBooking },
      },
    },
    async (request, reply) =>
      sendOutcome(
        reply,
        await stays.cancelOnce(request.params.id, request.principal!, idempotencyKey(request)),
      ),
  );
};
