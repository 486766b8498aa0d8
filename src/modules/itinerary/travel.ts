export interface Point {
  lat: number;
  lng: number;
}

const EARTH_KM = 6371.0088;
/** Streets are longer than the straight line between two places. */
const DETOUR = 1.3;
const WALK_KMH = 4.8;
/** Taxi or public transport: a fixed cost to get going, then city speed. */
const RIDE_OVERHEAD_MIN = 10;
const RIDE_KMH = 25;

export function haversineKm(a: Point, b: Point): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Minutes from one place to another in a city: walking for short hops, a ride for longer ones,
 * whichever is quicker (they cross at about 1 km of street). Symmetric, and 0 for the same place.
 */
export function travelMinutes(a: Point, b: Point): number {
  const km = haversineKm(a, b) * DETOUR;
  if (km < 0.01) return 0;
  const walk = (km / WALK_KMH) * 60;
  const ride = RIDE_OVERHEAD_MIN + (km / RIDE_KMH) * 60;
  return Math.ceil(Math.min(walk, ride));
}
