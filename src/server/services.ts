import { type AvailabilityService, createAvailabilityService } from '../modules/cars/availability/service.js';
import { createFleetService, type FleetService } from '../modules/cars/fleet/service.js';
import { createRentalsService, type RentalsService } from '../modules/cars/rentals/service.js';
import type { CheckoutKind } from '../modules/checkout/kind.js';
import { createPaymentProvider } from '../modules/checkout/providers/index.js';
import { type CheckoutService, createCheckoutService } from '../modules/checkout/service.js';
import { createExportsService, type ExportsService } from '../modules/exports/service.js';
import { createFlagsService, type FlagsService } from '../modules/flags/service.js';
import { createFlightsService, type FlightsService } from '../modules/flights/service.js';
import { createRefreshTokens } from '../modules/identity/refresh-tokens.js';
import { createIdentityService, type IdentityService } from '../modules/identity/service.js';
import { createSessions } from '../modules/identity/sessions.js';
import { createLlmClient } from '../modules/itinerary/llm.js';
import { createItineraryService, type ItineraryService } from '../modules/itinerary/service.js';
import type { ModuleName } from '../modules/manifest.js';
import { createMailer } from '../modules/notifications/mailer.js';
import { createNotificationsService, type NotificationsService } from '../modules/notifications/service.js';
import { createPlacesService, type PlacesService } from '../modules/places/service.js';
import { createPoisService, type PoisService } from '../modules/pois/service.js';
import { createStaysService, type StaysService } from '../modules/stays/service.js';
import { createTripsService, type TripsService } from '../modules/trips/service.js';
import type { AppContext } from './context.js';

/** Each module's service, under the module's name (a module missing here fails to compile). */
export interface Services extends Record<ModuleName, unknown> {
  identity: IdentityService;
  fleet: FleetService;
  availability: AvailabilityService;
  rentals: RentalsService;
  flags: FlagsService;
  notifications: NotificationsService;
  stays: StaysService;
  flights: FlightsService;
  pois: PoisService;
  places: PlacesService;
  trips: TripsService;
  itinerary: ItineraryService;
  exports: ExportsService;
  checkout: CheckoutService;
}
/**
 * The composition root: builds every module's service once, in dependency order, from the
 * process's context. A module gets the services of the modules it calls, never their repositories.
 */
export function createServices(ctx: AppContext): Services {
  const { config, secrets } = ctx;
  const { idempotency, audit } = ctx;
  const identity = createIdentityService({
    db: ctx.db,
    accessTokens: ctx.accessTokens,
    refreshTokens: createRefreshTokens({
      secret: secrets.jwtRefreshSecret,
      issuer: config.auth.issuer,
      ttlMs: config.auth.refreshTokenTtlMs,
    }),
    clock: ctx.clock,
    auth: config.auth,
    metrics: ctx.metrics,
    log: ctx.log,
    sessions: createSessions({ db: ctx.db, cache: ctx.cache, clock: ctx.clock }),
    // Notifications reads identity for recipients; identity writes its emails through it, late-bound.
    emit: (tx, event) => notifications.emit(tx, event),
  });
  const fleet = createFleetService({
    db: ctx.db,
    clock: ctx.clock,
    audit,
    // Rentals is built on the fleet; the fleet asks it about a car's rentals, late-bound.
    rentals: {
      upcoming: (carId, db) => rentals.upcomingForCar(carId, db),
      cancelForFleet: (tx, rental, why) => rentals.cancelForFleet(tx, rental.id, why),
    },
  });
  const availability = createAvailabilityService({
    db: ctx.db,
    database: ctx.database,
    cache: ctx.cache,
    cacheTtlMs: config.searchCacheTtlMs,
    metrics: ctx.metrics,
    clock: ctx.clock,
    changes: ctx.changes,
    health: ctx.health,
    log: ctx.log,
    model: config.searchModel,
  });
  const flags = createFlagsService({
    db: ctx.db,
    cache: ctx.cache,
    cacheTtlMs: config.flagsCacheTtlMs,
    audit,
  });
  const notifications = createNotificationsService({
    db: ctx.db,
    jobs: ctx.jobs,
    identity,
    mailer: createMailer({
      smtpUrl: secrets.smtpUrl,
      mailDir: config.notifications.mailDir,
      from: config.notifications.mailFrom,
    }),
    clock: ctx.clock,
    audit,
    metrics: ctx.metrics,
    log: ctx.log,
    publicUrl: config.publicUrl,
  });
  const rentals = createRentalsService({
    db: ctx.db,
    fleet,
    notifications,
    clock: ctx.clock,
    metrics: ctx.metrics,
    idempotency,
    audit,
  });
  const stays = createStaysService({
    db: ctx.db,
    notifications,
    clock: ctx.clock,
    metrics: ctx.metrics,
    idempotency,
    audit,
  });
  const flights = createFlightsService({
    db: ctx.db,
    cache: ctx.cache,
    clock: ctx.clock,
    metrics: ctx.metrics,
    log: ctx.log,
    health: ctx.health,
    notifications,
    config: config.flights,
    duffelAccessToken: secrets.duffelAccessToken,
    idempotency,
    audit,
  });
  const pois = createPoisService({ db: ctx.db });
  const places = createPlacesService({ fleet, flights, pois });
  const trips = createTripsService({
    db: ctx.db,
    identity,
    notifications,
    clock: ctx.clock,
    metrics: ctx.metrics,
    rentals,
    fleet,
    stays,
    flights,
    pois,
    idempotency,
  });
  const { llm } = config;
  const itinerary = createItineraryService({
    db: ctx.db,
    trips,
    pois,
    flags,
    notifications,
    llm: llm.baseUrl
      ? createLlmClient({
          baseUrl: llm.baseUrl,
          apiKey: secrets.llmApiKey,
          model: llm.model,
          timeoutMs: llm.timeoutMs,
        })
      : undefined,
    clock: ctx.clock,
    metrics: ctx.metrics,
    log: ctx.log,
  });
  const exports = createExportsService({
    db: ctx.db,
    trips,
    itinerary,
    identity,
    rentals,
    stays,
    flights,
    notifications,
    clock: ctx.clock,
  });
  const checkout = createCheckoutService({
    db: ctx.db,
    // The booking modules' kinds (checkoutKinds below), late-bound to the finished services.
    kinds: () => Object.fromEntries(checkoutKinds(services).map((k) => [k.kind, k])),
    provider: createPaymentProvider(config, secrets),
    holdMinutes: config.payments.holdMinutes,
    clock: ctx.clock,
    metrics: ctx.metrics,
    idempotency,
    log: ctx.log,
  });
  const services: Services = {
    identity,
    fleet,
    availability,
    rentals,
    flags,
    notifications,
    stays,
    flights,
    pois,
    places,
    trips,
    itinerary,
    exports,
    checkout,
  };
  return services;
}

/** The kinds of booking checkout holds, confirms and refunds: cars, stays, flights. */
export const checkoutKinds = (s: Services): CheckoutKind[] => [
  s.rentals.checkout,
  s.stays.checkout,
  s.flights.checkout,
];
