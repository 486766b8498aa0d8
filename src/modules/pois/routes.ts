import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams } from '../cars/fleet/schemas.js';
import type { RouteDeps } from '../module.js';
import { City, Poi, PoiCreate, PoiQuery } from './schemas.js';
import type { PoisService } from './service.js';

export const poisRoutes: FastifyPluginAsyncZod<RouteDeps<PoisService>> = async (app, { service: pois }) => {
  app.get(
    '/pois',
    {
      schema: {
        tags: ['itinerary'],
        summary:
          'Points of interest in a city: coordinates, category, visit length, opening hours, price level',
        querystring: PoiQuery,
        response: { 200: z.object({ pois: z.array(Poi) }) },
      },
    },
    async (request) => ({ pois: await pois.inCity(request.query) }),
  );

  app.get(
    '/pois/cities',
    {
      schema: {
        tags: ['itinerary'],
        summary: 'Cities the catalogue covers',
        response: { 200: z.object({ cities: z.array(City) }) },
      },
    },
    async () => ({ cities: await pois.cities() }),
  );

  app.get(
    '/pois/:id',
    {
      schema: {
        tags: ['itinerary'],
        summary: 'One point of interest',
        params: IdParams,
        response: { 200: Poi },
      },
    },
    async (request) => pois.get(request.params.id),
  );

  app.post(
    '/pois',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        tags: ['itinerary'],
        security: [{ bearer: [] }],
        summary: 'Add a point of interest (admin)',
        body: PoiCreate,
        response: { 201: Poi },
      },
    },
    async (request, reply) => reply.status(201).send(await pois.create(request.body)),
  );
};
