import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RouteDeps } from '../../module.js';
import { SearchQuery, SearchResponse } from './schemas.js';
import type { AvailabilityService } from './service.js';

export const availabilityRoutes: FastifyPluginAsyncZod<RouteDeps<AvailabilityService>> = async (
  app,
  { service: availability },
) => {
  app.addHook('onClose', () => availability.stopModel());
  app.get(
    '/search',
    {
      schema: {
        tags: ['search'],
        summary: 'Active cars near a point, nearest first; free for the whole window when one is given',
        querystring: SearchQuery,
        response: { 200: SearchResponse },
      },
    },
    async (request) => availability.searchCars(request.query),
  );
};
