/**
 * The modules by name, with the path prefixes each serves. This is all the gateway knows of the
 * modules: it routes by these prefixes and never loads module code. `modules/index.ts` lists the
 * module definitions in the same order (a test keeps the two lists equal).
 *
 * Modules that share a prefix (trips, itinerary and exports under /trips) must be deployed
 * together: the gateway routes a prefix to one upstream.
 *
 * `secretPrefixes` are prefixes whose paths carry a credential (a calendar feed's token): the
 * gateway's access log writes them without the rest of the path.
 */
export const MODULE_MANIFEST = [
  { name: 'identity', prefixes: ['/auth', '/users', '/audit'] },
  { name: 'fleet', prefixes: ['/cars', '/locations'] },
  { name: 'availability', prefixes: ['/search'] },
  { name: 'rentals', prefixes: ['/bookings'] },
  { name: 'flags', prefixes: ['/flags', '/feature-flags'] },
  { name: 'notifications', prefixes: ['/notifications'] },
  { name: 'stays', prefixes: ['/stays', '/stay-bookings'] },
  { name: 'flights', prefixes: ['/flights', '/flight-bookings', '/airports'] },
  { name: 'pois', prefixes: ['/pois'] },
  { name: 'places', prefixes: ['/places'] },
  { name: 'trips', prefixes: ['/trips'] },
  // Serves /trips/:id/plan: deploy it with trips.
  { name: 'itinerary', prefixes: ['/trips'] },
  // Serves /trips/:id/calendar.ics, /trips/:id/itinerary.pdf and the calendar feeds: deploy it with trips.
  { name: 'exports', prefixes: ['/calendar', '/trips', '/account'], secretPrefixes: ['/calendar'] },
  { name: 'checkout', prefixes: ['/checkout', '/payments'] },
] as const satisfies readonly {
  name: string;
  prefixes: readonly string[];
  secretPrefixes?: readonly string[];
}[];

/** Every prefix whose paths carry a credential. */
export const SECRET_PREFIXES: readonly string[] = MODULE_MANIFEST.flatMap((m) =>
  'secretPrefixes' in m ? m.secretPrefixes : [],
);

export type ModuleName = (typeof MODULE_MANIFEST)[number]['name'];
export const MODULE_NAMES: readonly ModuleName[] = MODULE_MANIFEST.map((m) => m.name);
