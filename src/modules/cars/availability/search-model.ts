// Over 300 lines: the nearest-first walk and the column store it reads are one piece; apart, the walk
// would reach into another file's arrays on every car it visits.
import KDBush from 'kdbush';
import { boxChordLowerBound, chord, gcToSec, llToEarth, secToGc } from './earth.js';
import type { ModelCarRow } from './model-repository.js';
import { createHeap, type Node } from './nearest-heap.js';
import type { SearchFilter, SearchRow } from './repository.js';

/**
 * The cars in memory, searched as the SQL search does (same filters, same order by chord distance
 * then id, same keyset), in a kd-tree over (lng, lat) walked nearest first.
 *
 * Cars are kept column by column (one array per field, strings shared between cars), their busy
 * times in one pool of numbers. The tree is rebuilt only now and then: a car that moved or is new
 * since the last build sits in a short overlay list that every search also considers.
 */
const OVERLAY_REBUILD = 256;
const KEY_TOLERANCE = 1e-6;

export function createSearchModel() {
  const ids: string[] = [];
  const byId = new Map<string, number>();
  const strings = new Map<string, string>();
  const intern = (s: string) => {
    const known = strings.get(s);
    if (known !== undefined) return known;
    strings.set(s, s);
    return s;
  };
  const locationId: string[] = [];
  const make: string[] = [];
  const model: string[] = [];
  const carClass: string[] = [];
  const transmission: string[] = [];
  const currency: string[] = [];
  const status: string[] = [];
  const seats: number[] = [];
  const rate: number[] = [];
  const freeHours: number[] = [];
  const feeBp: number[] = [];
  const lat: number[] = [];
  const lng: number[] = [];
  const present: boolean[] = [];
  // What every search reads of every car it reaches, in typed arrays: the position, whether it is
  // searchable (present and active), where its busy pairs are: pool[busyOff[i] .. + busyLen[i]).
  let capacity = 0;
  let px = new Float64Array(0);
  let py = new Float64Array(0);
  let pz = new Float64Array(0);
  let searchable = new Uint8Array(0);
  let busyOff = new Int32Array(0);
  let busyLen = new Int32Array(0);
  let pool = new Float64Array(1024);
  let poolUsed = 0;
  let poolLive = 0;

  function grow<T extends Float64Array | Int32Array | Uint8Array>(a: T, size: number): T {
    const next = new (a.constructor as new (n: number) => T)(size);
    next.set(a);
    return next;
  }
  function ensureCapacity(n: number) {
    if (n <= capacity) return;
    capacity = Math.max(1024, capacity * 2, n);
    px = grow(px, capacity);
    py = grow(py, capacity);
    pz = grow(pz, capacity);
    searchable = grow(searchable, capacity);
    busyOff = grow(busyOff, capacity);
    busyLen = grow(busyLen, capacity);
  }

  let index: KDBush | undefined;
  let indexed = 0;
  const stale = new Set<number>();
  const overlay = new Set<number>();

  function storeBusy(i: number, busy: number[]) {
    poolLive -= busyLen[i]!;
    if (poolUsed + busy.length > pool.length) compactPool(busy.length);
    pool.set(busy, poolUsed);
    busyOff[i] = poolUsed;
    busyLen[i] = busy.length;
    poolUsed += busy.length;
    poolLive += busy.length;
  }

  /** Copies live pairs into a new pool with room for `extra` more (half the live size at least). */
  function compactPool(extra: number) {
    const next = new Float64Array(Math.max(1024, poolLive + Math.max(extra, poolLive >> 1)));
    let at = 0;
    for (let i = 0; i < ids.length; i++) {
      const len = busyLen[i]!;
      next.set(pool.subarray(busyOff[i]!, busyOff[i]! + len), at);
      busyOff[i] = at;
      at += len;
    }
    pool = next;
    poolUsed = at;
  }

  /** Whether car i has a busy pair overlapping [from, to) (microseconds). */
  function busyDuring(i: number, from: number, to: number): boolean {
    const off = busyOff[i]!;
    const pairs = busyLen[i]! / 2;
    // The first pair ending after `from`; it overlaps when it starts before `to`.
    let lo = 0;
    let hi = pairs;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pool[off + 2 * mid + 1]! > from) hi = mid;
      else lo = mid + 1;
    }
    return lo < pairs && pool[off + 2 * lo]! < to;
  }

  function upsert(r: ModelCarRow) {
    let i = byId.get(r.id);
    if (i === undefined) {
      i = ids.length;
      ensureCapacity(i + 1);
      ids.push(r.id);
      byId.set(r.id, i);
      busyOff[i] = 0;
      busyLen[i] = 0;
    } else if (i < indexed && (lat[i] !== r.lat || lng[i] !== r.lng)) {
      stale.add(i);
    }
    if (i >= indexed || stale.has(i)) overlay.add(i);
    locationId[i] = intern(r.location_id);
    make[i] = intern(r.make);
    model[i] = intern(r.model);
    carClass[i] = intern(r.class);
    transmission[i] = intern(r.transmission);
    currency[i] = intern(r.currency);
    status[i] = intern(r.status);
    seats[i] = r.seats;
    rate[i] = r.daily_rate;
    freeHours[i] = r.free_cancellation_hours;
    feeBp[i] = r.cancellation_fee_bp;
    lat[i] = r.lat;
    lng[i] = r.lng;
    px[i] = r.x;
    py[i] = r.y;
    pz[i] = r.z;
    present[i] = true;
    searchable[i] = r.status === 'active' ? 1 : 0;
    storeBusy(i, r.busy);
  }

  function remove(id: string) {
    const i = byId.get(id);
    if (i === undefined) return;
    present[i] = false;
    searchable[i] = 0;
  }

  function rebuild() {
    if (poolUsed > 2 * poolLive + 1024) compactPool(poolLive >> 2);
    const next = new KDBush(ids.length, 64);
    for (let i = 0; i < ids.length; i++) next.add(lng[i]!, lat[i]!);
    index = next.finish();
    indexed = ids.length;
    stale.clear();
    overlay.clear();
  }

  function search(f: SearchFilter): SearchRow[] {
    const o = llToEarth(f.lat, f.lng);
    const half = gcToSec(f.radiusM);
    const from = f.window ? f.window.from.getTime() * 1000 : 0;
    const to = f.window ? f.window.to.getTime() * 1000 : 0;
    // An empty window (from = to) overlaps nothing, as an empty tstzrange.
    const windowed = from < to;
    // earth_distance <= radius, without an asin per car: chords clearly inside or outside the
    // radius's own chord are decided by it, only those within rounding of it by sec_to_gc.
    const inside = half * (1 - 1e-9);
    const beyond = half * (1 + 1e-9);
    const outside = (d: number) => d > inside && (d > beyond || secToGc(d) > f.radiusM);
    const heap = createHeap(ids);
    const out: SearchRow[] = [];

    const consider = (i: number) => {
      if (searchable[i] === 0) return;
      if (f.carClass && carClass[i] !== f.carClass) return;
      if (f.maxDailyRate && rate[i]! > f.maxDailyRate) return;
      if (f.minSeats && seats[i]! < f.minSeats) return;
      if (f.transmission && transmission[i] !== f.transmission) return;
      const x = px[i]!;
      const y = py[i]!;
      const z = pz[i]!;
      // earth_box(origin, radius) @> position
      if (x < o[0] - half || x > o[0] + half || y < o[1] - half || y > o[1] + half) return;
      if (z < o[2] - half || z > o[2] + half) return;
      const d = chord(x, y, z, o);
      if (outside(d)) return;
      if (f.after) {
        // The cursor's key may come from SQL, whose sin and cos can differ from ours in the last
        // bit: keys within a micrometre are one key, ordered by id (distinct cars that close are
        // parked on the same spot, and then their keys are equal anyway).
        const dk = d - f.after.key;
        if (dk < -KEY_TOLERANCE || (dk <= KEY_TOLERANCE && ids[i]! <= f.after.id)) return;
      }
      if (windowed && busyDuring(i, from, to)) return;
      heap.push({ d, node: null, i });
    };

    for (const i of overlay) consider(i);
    const cosLat = Math.cos((f.lat * Math.PI) / 180);
    if (index && indexed > 0) {
      heap.push({
        d: 0,
        i: -1,
        node: { left: 0, right: indexed - 1, axis: 0, minLng: -180, minLat: -90, maxLng: 180, maxLat: 90 },
      });
    }
    const tree = index;
    while (heap.size > 0 && out.length < f.limit) {
      const e = heap.pop();
      if (e.node === null) {
        out.push(row(e.i, e.d));
        continue;
      }
      if (!tree || outside(e.d)) continue;
      const { left, right, axis } = e.node;
      const treeIds = tree.ids;
      const coords = tree.coords;
      if (right - left <= tree.nodeSize) {
        for (let k = left; k <= right; k++) {
          const i = treeIds[k]!;
          if (!stale.has(i)) consider(i);
        }
        continue;
      }
      const m = (left + right) >> 1;
      const mid = treeIds[m]!;
      if (!stale.has(mid)) consider(mid);
      const midLng = coords[2 * m]!;
      const midLat = coords[2 * m + 1]!;
      const n = e.node;
      const lower: Node = {
        left,
        right: m - 1,
        axis: 1 - axis,
        minLng: n.minLng,
        minLat: n.minLat,
        maxLng: axis === 0 ? midLng : n.maxLng,
        maxLat: axis === 1 ? midLat : n.maxLat,
      };
      const upper: Node = {
        left: m + 1,
        right,
        axis: 1 - axis,
        minLng: axis === 0 ? midLng : n.minLng,
        minLat: axis === 1 ? midLat : n.minLat,
        maxLng: n.maxLng,
        maxLat: n.maxLat,
      };
      if (lower.left <= lower.right)
        heap.push({ d: boxChordLowerBound(f.lng, f.lat, cosLat, lower), node: lower, i: -1 });
      if (upper.left <= upper.right)
        heap.push({ d: boxChordLowerBound(f.lng, f.lat, cosLat, upper), node: upper, i: -1 });
    }
    return out;
  }

  function row(i: number, d: number): SearchRow {
    return {
      id: ids[i]!,
      location_id: locationId[i]!,
      make: make[i]!,
      model: model[i]!,
      class: carClass[i] as SearchRow['class'],
      seats: seats[i]!,
      transmission: transmission[i] as SearchRow['transmission'],
      daily_rate: rate[i]!,
      currency: currency[i]!,
      free_cancellation_hours: freeHours[i]!,
      cancellation_fee_bp: feeBp[i]!,
      lat: lat[i]!,
      lng: lng[i]!,
      status: status[i] as SearchRow['status'],
      distance_key: d,
      distance_m: secToGc(d),
    };
  }

  return {
    upsert,
    remove,
    rebuild,
    search,
    /** Whether enough cars moved or arrived since the last build to make a rebuild worth it. */
    get wantsRebuild() {
      return overlay.size >= OVERLAY_REBUILD;
    },
    get size() {
      return ids.length;
    },
    get busyPairs() {
      return poolLive / 2;
    },
  };
}

export type SearchModel = ReturnType<typeof createSearchModel>;
