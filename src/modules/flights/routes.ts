import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdempotencyHeaders, idempotencyKey, sendOutcome } from '../../platform/http/idempotency.js';
import { IdParams } from '../cars/fleet/schemas.js';
import type { RouteDeps } from '../module.js';
import {
  Airport,
  AirportCreate,
  DeparturesQuery,
  FlightBooking,
  FlightBookingCreate,
  FlightBookingList,
  FlightBookingListQuery,
  FlightSearchQuery,
  FlightSearchResponse,
  Offer,
  OfferParams,
  Route,
  RouteCreate,
  RouteDepartures,
  ScheduleRoute,
  SupplierStatus,
} from './schemas.js';
import type { FlightsService } from './service.js';

export const flightsRoutes: FastifyPluginAsyncZod<RouteDeps<FlightsService>> = async (
  app,
  { service: flights },
) => {
  const admin = { onRequest: app.requireRole('admin') };
  const auth = { onRequest: app.requireUser };
  const secured = { security: [{ bearer: [] }] };

  app.get(
    '/airports',
    {
      schema: {
        tags: ['flights'],
        summary: 'Airports of Voyage’s own schedule',
        response: { 200: z.object({ airports: z.array(Airport) }) },
      },
    },
    async () => ({ airports: await flights.listAirports() }),
  );

  app.post(
    '/airports',
    {
      ...admin,
      schema: {
        tags: ['flights'],
        ...secured,
        summary: 'Add or change an airport (admin)',
        body: AirportCreate,
        response: { 201: Airport },
      },
    },
    async (request, reply) => reply.status(201).send(await flights.createAirport(request.body)),
  );

  app.post(
    '/flights/routes',
    {
      ...admin,
      schema: {
        tags: ['flights'],
        ...secured,
        summary: 'Add a daily route to the own schedule and schedule its flights (admin)',
        body: RouteCreate,
        response: { 201: Route },
      },
    },
    async (request, reply) => reply.status(201).send(await flights.createRoute(request.body)),
  );

  app.get(
    '/flights/routes',
    {
      ...admin,
      schema: {
        tags: ['flights'],
        ...secured,
        summary: 'The own schedule’s routes, with how many flights each has scheduled (admin)',
        response: { 200: z.object({ routes: z.array(ScheduleRoute) }) },
      },
    },
    async () => ({ routes: await flights.listRoutes() }),
  );

  app.get(
    '/flights/routes/:id/departures',
    {
      ...admin,
      schema: {
        tags: ['flights'],
        ...secured,
        summary: 'A route’s flights over some days, with seats sold and left per cabin (admin)',
        params: IdParams,
        querystring: DeparturesQuery,
        response: { 200: RouteDepartures },
      },
    },
    async (request) => flights.departures(request.params.id, request.query),
  );

  app.get(
    '/flights/search',
    {
      schema: {
        tags: ['flights'],
        summary: 'Offers from every enabled supplier; a slow or failing supplier adds a warning',
        querystring: FlightSearchQuery,
        response: { 200: FlightSearchResponse },
      },
    },
    async (request) => flights.search(request.query),
  );

  app.get(
    '/flights/offers/:id',
    {
      schema: {
        tags: ['flights'],
        summary: 'An offer from a recent search, until it expires',
        params: OfferParams,
        response: { 200: Offer },
      },
    },
    async (request) => flights.getOffer(request.params.id),
  );

  app.get(
    '/flights/suppliers',
    {
      ...admin,
      schema: {
        tags: ['flights'],
        ...secured,
        summary: 'Enabled suppliers and their circuit breakers (admin)',
        response: { 200: z.object({ suppliers: z.array(SupplierStatus) }) },
      },
    },
    async () => ({ suppliers: flights.supplierStatus() }),
  );

  app.post(
    '/flight-bookings',
    {
      ...auth,
      schema: {
        tags: ['flights'],
        ...secured,
        summary: 'Book an offer (409 offer_expired once it has expired)',
        headers: IdempotencyHeaders,
        body: FlightBookingCreate,
        response: { 201: FlightBooking },
      },
    },
    async (request, reply) =>
      sendOutcome(
        reply,
        await flights.bookOnce(request.principal!.userId, request.body, idempotencyKey(request)),
      ),
  );

  app.get(
    '/flight-bookings',
    {
      ...auth,
      schema: {
        tags: ['flights'],
        ...secured,
        summary: 'Your flights, newest first',
        querystring: FlightBookingListQuery,
        response: { 200: FlightBookingList },
      },
    },
    async (request) => flights.listOwn(request.principal!.userId, request.query),
  );

  app.get(
    '/flight-bookings/:id',
    {
      ...auth,
      schema: {
        tags: ['flights'],
        ...secured,
        summary: 'One flight booking (owner or admin)',
        params: IdParams,
        response: { 200: FlightBooking },
      },
    },
    async (request) => flights.get(request.params.id, request.principal!),
  );

  app.post(
    '/flight-bookings/:id/cancel',
    {
      ...auth,
      schema: {
        tags: ['flights'],
        ...secured,
        summary: 'Cancel before departure (idempotent); seats go back on sale',
        headers: IdempotencyHeaders,
        params: IdParams,
        response: { 200: FlightBooking },
      },
    },
    async (request, reply) =>
      sendOutcome(
        reply,
        await flights.cancelOnce(request.params.id, request.principal!, idempotencyKey(request)),
      ),
  );
};
