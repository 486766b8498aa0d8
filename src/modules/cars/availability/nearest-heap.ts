import type { LngLatBox } from './earth.js';

/** A kd-tree node: its slice of the tree's arrays, its split axis and its box. */
export interface Node extends LngLatBox {
  left: number;
  right: number;
  axis: number;
}

/** A tree node to open (its distance a lower bound), or car `i` at its exact distance. */
export type Entry = { d: number; node: Node; i: -1 } | { d: number; node: null; i: number };

/**
 * A binary min-heap of entries by distance; at equal distance a tree node comes before a car (it
 * may hold a car as near with a smaller id), and cars come in id order, as SQL breaks ties.
 */
export function createHeap(ids: string[]) {
  const a: Entry[] = [];
  const less = (p: Entry, q: Entry) => {
    if (p.d !== q.d) return p.d < q.d;
    if (p.node !== null || q.node !== null) return p.node !== null && q.node === null;
    return ids[p.i]! < ids[q.i]!;
  };
  return {
    get size() {
      return a.length;
    },
    push(e: Entry) {
      a.push(e);
      let k = a.length - 1;
      while (k > 0) {
        const parent = (k - 1) >> 1;
        if (!less(a[k]!, a[parent]!)) break;
        [a[k], a[parent]] = [a[parent]!, a[k]!];
        k = parent;
      }
    },
    pop(): Entry {
      const top = a[0]!;
      const last = a.pop()!;
      if (a.length > 0) {
        a[0] = last;
        let k = 0;
        for (;;) {
          const l = 2 * k + 1;
          const r = l + 1;
          let m = k;
          if (l < a.length && less(a[l]!, a[m]!)) m = l;
          if (r < a.length && less(a[r]!, a[m]!)) m = r;
          if (m === k) break;
          [a[k], a[m]] = [a[m]!, a[k]!];
          k = m;
        }
      }
      return top;
    },
  };
}
