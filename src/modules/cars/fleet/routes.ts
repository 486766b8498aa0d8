import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../../module.js';
import {
  AffectedBooking,
  Car,
  CarCreate,
  CarListQuery,
  CarRetire,
  CarRetirement,
  CarUpdate,
  IdParams,
  Location,
  LocationCreate,
} from './schemas.js';
import type { FleetService } from './service.js';

export const fleetRoutes: FastifyPluginAsyncZod<RouteDeps<FleetService>> = async (
  app,
  { service: fleet },
) => {
  const admin = { onRequest: app.requireRole('admin') };
  const adminDoc = { security: [{ bearer: [] }] };
  const actor = (request: { principal?: { userId: string } | null }) => request.principal?.userId ?? null;

  app.get(
    '/locations',
    {
      schema: {
        tags: ['fleet'],
        summary: 'Rental locations',
        response: { 200: z.object({ locations: z.array(Location) }) },
      },
    },
    async () => ({ locations: await fleet.listLocations() }),
  );

  app.get(
    '/locations/:id',
    {
      schema: {
        tags: ['fleet'],
        summary: 'One rental location',
        params: IdParams,
        response: { 200: Location },
      },
    },
    async (request) => fleet.getLocation(request.params.id),
  );

  app.post(
    '/locations',
    {
      ...admin,
      schema: {
        tags: ['fleet'],
        summary: 'Add a location (admin)',
        ...adminDoc,
        body: LocationCreate,
        response: { 201: Location },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await fleet.createLocation(request.body, actor(request))),
  );

  app.get(
    '/cars',
    {
      ...admin,
      schema: {
        tags: ['fleet'],
        summary: 'The fleet, whatever each car’s status, by make and model (admin)',
        ...adminDoc,
        querystring: CarListQuery,
        response: { 200: z.object({ cars: z.array(Car) }) },
      },
    },
    async (request) => ({ cars: await fleet.listCars(request.query) }),
  );

  app.get(
    '/cars/:id',
    { schema: { tags: ['fleet'], summary: 'One car', params: IdParams, response: { 200: Car } } },
    async (request) => fleet.getCar(request.params.id),
  );

  app.post(
    '/cars',
    {
      ...admin,
      schema: {
        tags: ['fleet'],
        summary: 'Add a car (admin)',
        ...adminDoc,
        body: CarCreate,
        response: { 201: Car },
      },
    },
    async (request, reply) => reply.status(201).send(await fleet.createCar(request.body, actor(request))),
  );

  app.patch(
    '/cars/:id',
    {
      ...admin,
      schema: {
        tags: ['fleet'],
        summary: 'Change a car (admin)',
        ...adminDoc,
        params: IdParams,
        body: CarUpdate,
        response: { 200: Car },
      },
    },
    async (request) => fleet.updateCar(request.params.id, request.body, actor(request)),
  );

  app.delete(
    '/cars/:id',
    {
      ...admin,
      schema: {
        tags: ['fleet'],
        summary: 'Retire a car (admin)',
        description:
          'A car that a confirmed booking still needs (under way or to come) is not retired: 409 car_has_future_bookings, with `details.bookings` listing them (id, reference, userId, pickup and drop-off, underWay, amount). Cancel them first (`POST /bookings/:id/cancel` as admin emails each traveller the cancellation), or retire with `POST /cars/:id/retire`, which cancels them in the same transaction.',
        ...adminDoc,
        params: IdParams,
        response: { 200: Car },
      },
    },
    async (request) => fleet.retireCar(request.params.id, actor(request)),
  );

  app.get(
    '/cars/:id/upcoming-bookings',
    {
      ...admin,
      schema: {
        tags: ['fleet'],
        summary: 'The confirmed bookings that still need a car (admin): what retiring it affects',
        ...adminDoc,
        params: IdParams,
        response: { 200: z.object({ bookings: z.array(AffectedBooking) }) },
      },
    },
    async (request) => ({ bookings: await fleet.affectedBookings(request.params.id) }),
  );

  app.post(
    '/cars/:id/retire',
    {
      ...admin,
      schema: {
        tags: ['fleet'],
        summary: 'Retire a car, cancelling its bookings to come (admin)',
        description:
          'In one transaction: cancels the bookings named in `cancelBookings` (each traveller is notified) and retires the car. They must be exactly the car’s bookings to come, as `GET /cars/:id/upcoming-bookings` lists them; otherwise nothing is written and 409 car_bookings_changed returns the fresh list in `details.bookings`. A rental under way blocks retirement: 409 car_in_use.',
        ...adminDoc,
        params: IdParams,
        body: CarRetire,
        response: { 200: CarRetirement },
      },
    },
    async (request) => fleet.retireCancelling(request.params.id, request.body.cancelBookings, actor(request)),
  );
};
