import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RouteDeps } from '../module.js';
import { PlaceList, PlaceQuery } from './schemas.js';
import type { PlacesService } from './service.js';

export const placesRoutes: FastifyPluginAsyncZod<RouteDeps<PlacesService>> = async (
  app,
  { service: places },
) => {
  app.get(
    '/places',
    {
      schema: {
        tags: ['places'],
        summary: 'Cities, airports and rental locations whose name matches q, best matches first',
        querystring: PlaceQuery,
        response: { 200: PlaceList },
      },
    },
    async (request) => ({ places: await places.search(request.query) }),
  );
};
