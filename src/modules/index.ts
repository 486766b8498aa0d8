import { availabilityModule } from './cars/availability/module.js';
import { fleetModule } from './cars/fleet/module.js';
import { rentalsModule } from './cars/rentals/module.js';
import { checkoutModule } from './checkout/module.js';
import { exportsModule } from './exports/module.js';
import { flagsModule } from './flags/module.js';
import { flightsModule } from './flights/module.js';
import { identityModule } from './identity/module.js';
import { itineraryModule } from './itinerary/module.js';
import { notificationsModule } from './notifications/module.js';
import { placesModule } from './places/module.js';
import { poisModule } from './pois/module.js';
import { staysModule } from './stays/module.js';
import { tripsModule } from './trips/module.js';

/** Every module, in the manifest's order. */
export const MODULES = [
  identityModule,
  fleetModule,
  availabilityModule,
  rentalsModule,
  flagsModule,
  notificationsModule,
  staysModule,
  flightsModule,
  poisModule,
  placesModule,
  tripsModule,
  itineraryModule,
  exportsModule,
  checkoutModule,
] as const;
