import type { FleetService } from '../cars/fleet/service.js';
import type { FlightsService } from '../flights/service.js';
import type { PoisService } from '../pois/service.js';
import type { Place, PlaceQuery } from './schemas.js';

export interface PlacesDeps {
  fleet: Pick<FleetService, 'listLocations'>;
  flights: Pick<FlightsService, 'listAirports'>;
  pois: Pick<PoisService, 'cities'>;
}

/** Lower case without accents, so that "zurich" finds Zürich and "sao" São Paulo. */
export const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();

/** 0: a name starts with the query; 1: a word in it does; 2: it contains it; undefined: no match. */
function rank(query: string, texts: string[]): number | undefined {
  let best: number | undefined;
  for (const raw of texts) {
    const text = fold(raw);
    const r = text.startsWith(query)
      ? 0
      : text.split(/[\s,·()-]+/).some((w) => w.startsWith(query))
        ? 1
        : text.includes(query)
          ? 2
          : undefined;
    if (r !== undefined && (best === undefined || r < best)) best = r;
  }
  return best;
}

const KIND_ORDER = { city: 0, airport: 1, location: 2 } as const;

/**
 * Place lookup over Voyage's own catalogue: the cities of the points of interest, the airports
 * flights serve and the car rental locations. It never calls out to a geocoder.
 */
export function createPlacesService(deps: PlacesDeps) {
  async function catalogue(kind: PlaceQuery['kind']): Promise<(Place & { texts: string[] })[]> {
    const out: (Place & { texts: string[] })[] = [];
    if (!kind || kind === 'city') {
      for (const c of await deps.pois.cities()) {
        out.push({
          kind: 'city',
          id: c.city,
          name: c.city,
          label: `${c.city}, ${c.country}`,
          city: c.city,
          country: c.country,
          lat: c.lat,
          lng: c.lng,
          timeZone: c.timeZone,
          texts: [c.city],
        });
      }
    }
    if (!kind || kind === 'airport') {
      for (const a of await deps.flights.listAirports()) {
        out.push({
          kind: 'airport',
          id: a.iata,
          name: a.name,
          label: `${a.iata} · ${a.name}`,
          city: a.city,
          country: a.country,
          lat: a.lat,
          lng: a.lng,
          timeZone: a.timeZone,
          texts: [a.iata, a.name, a.city],
        });
      }
    }
    if (!kind || kind === 'location') {
      for (const l of await deps.fleet.listLocations()) {
        out.push({
          kind: 'location',
          id: l.id,
          name: l.name,
          label: `${l.name}, ${l.city}`,
          city: l.city,
          country: l.country,
          lat: l.lat,
          lng: l.lng,
          timeZone: l.timeZone,
          texts: [l.name, l.city],
        });
      }
    }
    return out;
  }

  return {
    async search(q: PlaceQuery): Promise<Place[]> {
      const query = fold(q.q);
      const ranked: { place: Place; rank: number }[] = [];
      for (const { texts, ...place } of await catalogue(q.kind)) {
        const r = rank(query, texts);
        if (r !== undefined) ranked.push({ place, rank: r });
      }
      ranked.sort(
        (a, b) =>
          a.rank - b.rank ||
          KIND_ORDER[a.place.kind] - KIND_ORDER[b.place.kind] ||
          a.place.label.localeCompare(b.place.label),
      );
      return ranked.slice(0, q.limit).map((r) => r.place);
    },
  };
}

export type PlacesService = ReturnType<typeof createPlacesService>;
