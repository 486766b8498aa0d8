/**
 * The earthdistance extension's arithmetic, in the same floating-point steps, so that the search
 * model measures and orders cars as the SQL search does: a point is a cube on a sphere of radius
 * earth() (ll_to_earth), `<->` is the straight-line (chord) distance between two such points, and
 * earth_distance is that chord turned into a great-circle distance (sec_to_gc).
 */
export const EARTH_RADIUS_M = 6378168;
/** The double nearest Postgres's RADIANS_PER_DEGREE (float.c, 0.0174532925199432957692). */
const RADIANS_PER_DEGREE = 0.017453292519943295;

export type Point3 = [number, number, number];

/** ll_to_earth(lat, lng), evaluated left to right as SQL does. */
export function llToEarth(lat: number, lng: number): Point3 {
  const la = lat * RADIANS_PER_DEGREE;
  const lo = lng * RADIANS_PER_DEGREE;
  return [
    EARTH_RADIUS_M * Math.cos(la) * Math.cos(lo),
    EARTH_RADIUS_M * Math.cos(la) * Math.sin(lo),
    EARTH_RADIUS_M * Math.sin(la),
  ];
}

/** cube_distance of two points: the squares summed in coordinate order, then the root. */
export function chord(ax: number, ay: number, az: number, b: Point3): number {
  const dx = ax - b[0];
  const dy = ay - b[1];
  const dz = az - b[2];
  let sum = 0;
  sum += dx * dx;
  sum += dy * dy;
  sum += dz * dz;
  return Math.sqrt(sum);
}

/** sec_to_gc: a chord in metres as the great-circle distance it spans. */
export function secToGc(sec: number): number {
  if (sec < 0) return 0;
  if (sec / (2 * EARTH_RADIUS_M) > 1) return Math.PI * EARTH_RADIUS_M;
  return 2 * EARTH_RADIUS_M * Math.asin(sec / (2 * EARTH_RADIUS_M));
}

/** gc_to_sec: the chord of a great-circle distance (earth_box's half side). */
export function gcToSec(gc: number): number {
  if (gc < 0) return 0;
  if (gc / EARTH_RADIUS_M > Math.PI) return 2 * EARTH_RADIUS_M;
  return 2 * EARTH_RADIUS_M * Math.sin(gc / (2 * EARTH_RADIUS_M));
}

// Lower bounds for the kd-tree walk, over (lng, lat) boxes: the haversine of the angle from the
// query point to the nearest point of the box (the bound geokdbush uses), as a chord in metres.
const RAD = Math.PI / 180;
const haverSin = (theta: number) => {
  const s = Math.sin(theta / 2);
  return s * s;
};
const haverSinDistPartial = (hDLng: number, cosLat1: number, lat1: number, lat2: number) =>
  cosLat1 * Math.cos(lat2 * RAD) * hDLng + haverSin((lat1 - lat2) * RAD);

function vertexLat(lat: number, hDLng: number): number {
  const cosDLng = 1 - 2 * hDLng;
  if (cosDLng <= 0) return lat > 0 ? 90 : -90;
  return Math.atan(Math.tan(lat * RAD) / cosDLng) / RAD;
}

export interface LngLatBox {
  minLng: number;
  minLat: number;
  maxLng: number;
  maxLat: number;
}

/**
 * A chord no longer than the one from (lng, lat) to any point in the box. The result is shaved by
 * a millimetre and a relative 1e-9 so that rounding never lifts it above a car's exact distance.
 */
export function boxChordLowerBound(lng: number, lat: number, cosLat: number, b: LngLatBox): number {
  let h: number;
  if (lng >= b.minLng && lng <= b.maxLng) {
    if (lat < b.minLat) h = haverSin((lat - b.minLat) * RAD);
    else if (lat > b.maxLat) h = haverSin((lat - b.maxLat) * RAD);
    else return 0;
  } else {
    const hDLng = Math.min(haverSin((lng - b.minLng) * RAD), haverSin((lng - b.maxLng) * RAD));
    const extremumLat = vertexLat(lat, hDLng);
    h =
      extremumLat > b.minLat && extremumLat < b.maxLat
        ? haverSinDistPartial(hDLng, cosLat, lat, extremumLat)
        : Math.min(
            haverSinDistPartial(hDLng, cosLat, lat, b.minLat),
            haverSinDistPartial(hDLng, cosLat, lat, b.maxLat),
          );
  }
  const bound = 2 * EARTH_RADIUS_M * Math.sqrt(Math.max(0, Math.min(1, h)));
  return Math.max(0, bound * (1 - 1e-9) - 1e-3);
}
