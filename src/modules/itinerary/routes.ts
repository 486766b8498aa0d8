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
        description: [
          'Visits are planned around the trip’s own items: no visit, nor the way to it, overlaps an',
          'activity, a car pickup or drop-off (30 min), a flight (2 h before departure to 1 h after',
          'arrival) or a stay’s check-in (30 min); a place the trip already visits is not planned again.',
          '`warnings` has one line for each day left empty, saying why (no time around the flights, the',
          'day taken by the trip’s own items, no wanted place open, all planned on other days, or none',
          'fitting the free time), and one for each must-see that fits no day.',
        ].join(' '),
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
