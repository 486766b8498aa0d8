import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdempotencyHeaders, idempotencyKey, sendOutcome } from '../../platform/http/idempotency.js';
import type { RouteDeps } from '../module.js';
import {
  Collaborator,
  CollaboratorCreate,
  CollaboratorParams,
  ItemCreate,
  StatusChange,
  StatusResult,
  Trip,
  TripCreate,
  TripItem,
  TripItemList,
  TripItemParams,
  TripList,
  TripParams,
  TripUpdate,
} from './schemas.js';
import type { TripsService } from './service.js';

export const tripsRoutes: FastifyPluginAsyncZod<RouteDeps<TripsService>> = async (
  app,
  { service: trips },
) => {
  const auth = { onRequest: app.requireUser };
  const doc = { tags: ['trips'], security: [{ bearer: [] }] };

  app.post(
    '/trips',
    {
      ...auth,
      schema: {
        ...doc,
        summary: 'Start planning a trip (an Idempotency-Key makes a retry return the same trip)',
        headers: IdempotencyHeaders,
        body: TripCreate,
        response: { 201: Trip },
      },
    },
    async (request, reply) =>
      sendOutcome(
        reply,
        await trips.createOnce(request.principal!.userId, request.body, idempotencyKey(request)),
      ),
  );

  app.get(
    '/trips',
    { ...auth, schema: { ...doc, summary: 'Trips you own or were invited to', response: { 200: TripList } } },
    async (request) => ({ trips: await trips.list(request.principal!) }),
  );

  app.get(
    '/trips/:id',
    {
      ...auth,
      schema: {
        ...doc,
        summary: 'One trip (owner, collaborator or admin)',
        params: TripParams,
        response: { 200: Trip },
      },
    },
    async (request) => trips.get(request.params.id, request.principal!),
  );

  app.patch(
    '/trips/:id',
    {
      ...auth,
      schema: {
        ...doc,
        summary: 'Change a trip (owner or editor)',
        description:
          'New dates must still hold every booking and activity of the trip (409 items_outside_trip, listing them).',
        params: TripParams,
        body: TripUpdate,
        response: { 200: Trip },
      },
    },
    async (request) => trips.update(request.params.id, request.principal!, request.body),
  );

  app.delete(
    '/trips/:id',
    {
      ...auth,
      schema: {
        ...doc,
        summary: 'Delete a trip (owner)',
        description:
          'Its bookings stay as they are, in their own lists; to cancel them, cancel the trip with `cancelBookings` first.',
        params: TripParams,
      },
    },
    async (request, reply) => {
      await trips.remove(request.params.id, request.principal!);
      return reply.status(204).send();
    },
  );

  app.post(
    '/trips/:id/status',
    {
      ...auth,
      schema: {
        ...doc,
        summary: 'Move a trip along its lifecycle; cancelling lists its bookings and can cancel them',
        description: [
          'Moves follow the transition table (409 invalid_status_transition otherwise).',
          '`completed` only after the end date in the trip’s zone (409 trip_not_ended);',
          '`booked` only with a confirmed booking (409 trip_has_no_bookings).',
          'Cancelling answers with `bookings`: each booking and what became of it. They are kept',
          'unless `cancelBookings` is true; then each is cancelled through its own service (audited,',
          'its traveller emailed), and one its service refuses is `not_cancelled` with that `code`.',
          'Cancelling a cancelled trip again with `cancelBookings` cancels what is left.',
        ].join(' '),
        params: TripParams,
        body: StatusChange,
        response: { 200: StatusResult },
      },
    },
    async (request) => trips.setStatus(request.params.id, request.principal!, request.body),
  );

  app.get(
    '/trips/:id/items',
    {
      ...auth,
      schema: {
        ...doc,
        summary: 'Bookings, activities and notes of a trip, in time order',
        params: TripParams,
        response: { 200: TripItemList },
      },
    },
    async (request) => ({ items: await trips.items(request.params.id, request.principal!) }),
  );

  app.post(
    '/trips/:id/items',
    {
      ...auth,
      schema: {
        ...doc,
        summary: 'Add your car, stay or flight booking, an activity or a note (owner or editor)',
        description: [
          'A booking or activity must be on the trip’s days: it overlaps them and starts and ends at most a day either',
          'side (an overnight flight out, a check-out the morning after), else 422 item_outside_trip.',
          'It must be within 200 km of the destination’s centre (a flight: either airport), else',
          '422 item_far_from_destination. Adding a confirmed booking makes a planning trip booked.',
        ].join(' '),
        params: TripParams,
        body: ItemCreate,
        response: { 201: TripItem },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await trips.addItem(request.params.id, request.principal!, request.body)),
  );

  app.delete(
    '/trips/:id/items/:itemId',
    { ...auth, schema: { ...doc, summary: 'Remove an item (owner or editor)', params: TripItemParams } },
    async (request, reply) => {
      await trips.removeItem(request.params.id, request.principal!, request.params.itemId);
      return reply.status(204).send();
    },
  );

  app.get(
    '/trips/:id/collaborators',
    {
      ...auth,
      schema: {
        ...doc,
        summary: 'Who the trip is shared with',
        params: TripParams,
        response: { 200: z.object({ collaborators: z.array(Collaborator) }) },
      },
    },
    async (request) => ({ collaborators: await trips.collaborators(request.params.id, request.principal!) }),
  );

  app.post(
    '/trips/:id/collaborators',
    {
      ...auth,
      schema: {
        ...doc,
        summary: 'Share the trip with someone by email, as viewer or editor (owner)',
        params: TripParams,
        body: CollaboratorCreate,
        response: { 201: Collaborator },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await trips.invite(request.params.id, request.principal!, request.body)),
  );

  app.delete(
    '/trips/:id/collaborators/:collaboratorId',
    { ...auth, schema: { ...doc, summary: 'Stop sharing with someone (owner)', params: CollaboratorParams } },
    async (request, reply) => {
      await trips.removeCollaborator(request.params.id, request.principal!, request.params.collaboratorId);
      return reply.status(204).send();
    },
  );
};
