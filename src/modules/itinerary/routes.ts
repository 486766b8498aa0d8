import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { RouteDeps } from '../module.js';
import { TripParams } from '../trips/schemas.js';
import { Plan, PlanRequest } from './schemas.js';
import type { ItineraryService } from './service.js';

export const itineraryRoutes: FastifyPluginAsyncZod<RouteDeps<ItineraryService>> = async (
  app,
  { service: itinerary },
) => {
  const auth = { onRequest: app.requireUser };
  const doc = { tags: ['itinerary'], security: [{ bearer: [] }] };

  app.post(
    '/trips/:id/plan',
    {
      ...auth,
      schema: {
        ...doc,
        summary:
          'Plan the trip day by day (owner or editor); the LLM proposes when the planner.llm flag is on',
        params: TripParams,
        body: PlanRequest,
        response: { 201: Plan },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await itinerary.plan(request.params.id, request.principal!, request.body)),
  );

  app.get(
    '/trips/:id/plan',
    {
      ...auth,
      schema: { ...doc, summary: 'The trip’s latest plan', params: TripParams, response: { 200: Plan } },
    },
    async (request) => itinerary.latest(request.params.id, request.principal!),
  );
};
