import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../../module.js';
import { Car, CarCreate, CarUpdate, IdParams, Location, LocationCreate } from './schemas.js';
import type { FleetService } from './service.js';

export const fleetRoutes: FastifyPluginAsyncZod<RouteDeps<FleetService>> = async (
  app,
  { service: fleet },
) => {
  const admin = { onRequest: app.requireRole('admin') };
  const adminDoc = { security: [{ bearer: [] }] };

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
    async (request, reply) => reply.status(201).send(await fleet.createLocation(request.body)),
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
    async (request, reply) => reply.status(201).send(await fleet.createCar(request.body)),
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
    async (request) => fleet.updateCar(request.params.id, request.body),
  );

  app.delete(
    '/cars/:id',
    {
      ...admin,
      schema: {
        tags: ['fleet'],
        summary: 'Retire a car (admin)',
        description:
          'A car that a confirmed booking still needs (under way or to come) is not retired: 409 car_has_future_bookings, with `details.bookings` listing them (id, reference, userId, pickup and drop-off). Cancel them first (`POST /bookings/:id/cancel` as admin emails each traveller the cancellation), then retire.',
        ...adminDoc,
        params: IdParams,
        response: { 200: Car },
      },
    },
    async (request) => fleet.retireCar(request.params.id),
  );
};
