import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ModuleDeps } from '../../types.js';
import { SearchQuery, SearchResponse } from './schemas.js';

export const searchRoutes: FastifyPluginAsyncZod<ModuleDeps> = async (app, { services }) => {
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
    async (request) => services.search.searchCars(request.query),
  );
};
