import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ConstraintError } from '../platform/http/errors.js';
import type { AppContext } from '../server/context.js';
import { searchRoutes } from './cars/availability/routes.js';
import { createSearchService, type SearchService } from './cars/availability/service.js';
import { fleetRoutes } from './cars/fleet/routes.js';
import { createFleetService, type FleetService } from './cars/fleet/service.js';
import { bookingsRoutes } from './cars/rentals/routes.js';
import {
  type BookingsService,
  createBookingsService,
  IDEMPOTENCY_KEY_TTL_MS,
} from './cars/rentals/service.js';
import { exportsRoutes } from './exports/routes.js';
import { createExportsService, type ExportsService } from './exports/service.js';
import { flagsRoutes } from './flags/routes.js';
import { createFlagsService, type FlagsService } from './flags/service.js';
import { flightsRoutes } from './flights/routes.js';
import { createFlightsService, type FlightsService, SCHEDULE_JOB } from './flights/service.js';
import { createRefreshTokens } from './identity/refresh-tokens.js';
import { identityRoutes } from './identity/routes.js';
import { createIdentityService, type IdentityService } from './identity/service.js';
import { createLlmClient } from './itinerary/llm.js';
import { itineraryRoutes } from './itinerary/routes.js';
import { createItineraryService, type ItineraryService } from './itinerary/service.js';
import { createMailer } from './notifications/mailer.js';
import { notificationsRoutes } from './notifications/routes.js';
import {
  createNotificationsService,
  DELIVER_JOB,
  type NotificationsService,
} from './notifications/service.js';
import { poisRoutes } from './pois/routes.js';
import { createPoisService, type PoisService } from './pois/service.js';
import { staysRoutes } from './stays/routes.js';
import { createStaysService, ROLL_INVENTORY_JOB, type StaysService } from './stays/service.js';
import { tripsRoutes } from './trips/routes.js';
import { COMPLETE_JOB, createTripsService, type TripsService } from './trips/service.js';
import type { ModuleDeps } from './types.js';

export interface Services {
  identity: IdentityService;
  fleet: FleetService;
  search: SearchService;
  bookings: BookingsService;
  flags: FlagsService;
  notifications: NotificationsService;
  stays: StaysService;
  flights: FlightsService;
  pois: PoisService;
  trips: TripsService;
  itinerary: ItineraryService;
  exports: ExportsService;
}

/** Builds every module's service once, in dependency order. */
export function createServices(ctx: AppContext): Services {
  const identity = createIdentityService({
    db: ctx.db,
    accessTokens: ctx.accessTokens,
    refreshTokens: createRefreshTokens({
      secret: ctx.secrets.jwtRefreshSecret,
      issuer: ctx.config.auth.issuer,
      ttlMs: ctx.config.auth.refreshTokenTtlMs,
    }),
    clock: ctx.clock,
    auth: ctx.config.auth,
    metrics: ctx.metrics,
    log: ctx.log,
  });
  const fleet = createFleetService({ db: ctx.db });
  const search = createSearchService({
    db: ctx.db,
    database: ctx.database,
    cache: ctx.cache,
    cacheTtlMs: ctx.config.searchCacheTtlMs,
    metrics: ctx.metrics,
    clock: ctx.clock,
  });
  const flags = createFlagsService({ db: ctx.db, cache: ctx.cache, cacheTtlMs: ctx.config.flagsCacheTtlMs });
  const notifications = createNotificationsService({
    db: ctx.db,
    jobs: ctx.jobs,
    identity,
    mailer: createMailer({
      smtpUrl: ctx.secrets.smtpUrl,
      mailDir: ctx.config.notifications.mailDir,
      from: ctx.config.notifications.mailFrom,
    }),
    clock: ctx.clock,
    metrics: ctx.metrics,
    log: ctx.log,
    publicUrl: ctx.config.publicUrl,
  });
  const bookings = createBookingsService({
    db: ctx.db,
    fleet,
    notifications,
    clock: ctx.clock,
    metrics: ctx.metrics,
  });
  const stays = createStaysService({ db: ctx.db, notifications, clock: ctx.clock, metrics: ctx.metrics });
  const flights = createFlightsService({
    db: ctx.db,
    cache: ctx.cache,
    clock: ctx.clock,
    metrics: ctx.metrics,
    log: ctx.log,
    health: ctx.health,
    notifications,
    config: ctx.config.flights,
    duffelAccessToken: ctx.secrets.duffelAccessToken,
  });
  const pois = createPoisService({ db: ctx.db });
  const trips = createTripsService({
    db: ctx.db,
    identity,
    notifications,
    clock: ctx.clock,
    metrics: ctx.metrics,
    bookings,
    fleet,
    stays,
    flights,
    pois,
  });
  const { llm } = ctx.config;
  const itinerary = createItineraryService({
    db: ctx.db,
    trips,
    pois,
    flags,
    notifications,
    llm: llm.baseUrl
      ? createLlmClient({
          baseUrl: llm.baseUrl,
          apiKey: ctx.secrets.llmApiKey,
          model: llm.model,
          timeoutMs: llm.timeoutMs,
        })
      : undefined,
    clock: ctx.clock,
    metrics: ctx.metrics,
    log: ctx.log,
  });
  const exports = createExportsService({ db: ctx.db, trips, itinerary, identity, clock: ctx.clock });
  return {
    identity,
    fleet,
    search,
    bookings,
    flags,
    notifications,
    stays,
    flights,
    pois,
    trips,
    itinerary,
    exports,
  };
}

/** Every module's background jobs, declared on the context's job runner. */
export function defineJobs(ctx: AppContext, services: Services) {
  ctx.jobs.define({
    name: 'bookings.purge-idempotency-keys',
    cron: '17 * * * *',
    retryLimit: 2,
    handler: async () => {
      const purged = await services.bookings.purgeIdempotencyKeys(IDEMPOTENCY_KEY_TTL_MS);
      ctx.log.info({ purged }, 'expired idempotency keys purged');
    },
  });
  const notify = ctx.config.notifications;
  ctx.jobs.define({
    name: DELIVER_JOB,
    retryLimit: notify.retryLimit,
    retryDelaySeconds: notify.retryDelaySeconds,
    concurrency: 2,
    handler: async ({ eventId }) => {
      await services.notifications.deliver(eventId);
    },
  });
  ctx.jobs.define({
    name: ROLL_INVENTORY_JOB,
    cron: '20 2 * * *',
    retryLimit: 3,
    handler: async () => {
      const nights = await services.stays.rollInventory();
      ctx.log.info({ nights }, 'room inventory rolled forward');
    },
  });
  ctx.jobs.define({
    name: SCHEDULE_JOB,
    cron: '40 2 * * *',
    retryLimit: 3,
    handler: async () => {
      const scheduled = await services.flights.extendSchedule();
      ctx.log.info({ scheduled }, 'own flight schedule extended');
    },
  });
  ctx.jobs.define({
    name: COMPLETE_JOB,
    cron: '5 * * * *',
    retryLimit: 3,
    handler: async () => {
      const completed = await services.trips.completeEnded();
      if (completed) ctx.log.info({ completed }, 'ended trips completed');
    },
  });
  ctx.jobs.defineLoop({
    name: 'notifications.relay',
    intervalMs: notify.relayIntervalMs,
    run: () => services.notifications.relayPending(),
  });
}

export interface ModuleDefinition {
  name: string;
  /** Path prefixes this module serves; the gateway routes by them. */
  prefixes: string[];
  routes: FastifyPluginAsyncZod<ModuleDeps>;
  constraints?: Record<string, ConstraintError>;
}

export const MODULES = [
  {
    name: 'identity',
    prefixes: ['/auth', '/users'],
    routes: identityRoutes,
    constraints: {
      users_email_key: {
        statusCode: 409,
        code: 'email_taken',
        message: 'An account with this email already exists',
      },
    },
  },
  { name: 'fleet', prefixes: ['/cars', '/locations'], routes: fleetRoutes },
  { name: 'search', prefixes: ['/search'], routes: searchRoutes },
  {
    name: 'bookings',
    prefixes: ['/bookings'],
    routes: bookingsRoutes,
    constraints: {
      bookings_no_overlap: {
        statusCode: 409,
        code: 'booking_conflict',
        message: 'The car is already booked for part of this window',
      },
    },
  },
  {
    name: 'flags',
    prefixes: ['/flags', '/feature-flags'],
    routes: flagsRoutes,
    constraints: {
      feature_flags_global_check: {
        statusCode: 400,
        code: 'flag_not_targetable',
        message: 'Operational and kill-switch flags are on or off for everyone',
      },
    },
  },
  { name: 'notifications', prefixes: ['/notifications'], routes: notificationsRoutes },
  { name: 'stays', prefixes: ['/stays', '/stay-bookings'], routes: staysRoutes },
  {
    name: 'flights',
    prefixes: ['/flights', '/flight-bookings', '/airports'],
    routes: flightsRoutes,
    constraints: {
      flight_bookings_offer_key: {
        statusCode: 409,
        code: 'offer_already_booked',
        message: 'This offer has already been booked',
      },
      flight_routes_flight_number_key: {
        statusCode: 409,
        code: 'flight_number_taken',
        message: 'A route with this flight number exists',
      },
    },
  },
  { name: 'pois', prefixes: ['/pois'], routes: poisRoutes },
  {
    name: 'trips',
    prefixes: ['/trips'],
    routes: tripsRoutes,
    constraints: {
      trips_status_transition: {
        statusCode: 409,
        code: 'invalid_status_transition',
        message: 'The trip cannot move to this status from where it is',
      },
    },
  },
  // Serves /trips/:id/plan: deploy it with the trips module.
  { name: 'itinerary', prefixes: ['/trips'], routes: itineraryRoutes },
  // Serves /trips/:id/calendar.ics, /trips/:id/itinerary.pdf and feeds: deploy it with trips.
  { name: 'exports', prefixes: ['/calendar', '/trips'], routes: exportsRoutes },
] as const satisfies readonly ModuleDefinition[];

export type ModuleName = (typeof MODULES)[number]['name'];
export const MODULE_NAMES = MODULES.map((m) => m.name) as ModuleName[];
