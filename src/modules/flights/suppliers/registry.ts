import CircuitBreaker from 'opossum';
import type { Logger } from '../../../platform/observability/logger.js';
import type { Metrics } from '../../../platform/observability/metrics.js';
import type { FlightSearchQuery, SupplierWarning } from '../schemas.js';
import type { SupplierName } from '../tables.js';
import { type FlightSupplier, SupplierError, type SupplierOffer } from './types.js';

export interface SupplierSetOptions {
  timeoutMs: number;
  resetMs: number;
  metrics: Metrics;
  log: Logger;
}

type Circuit = 'closed' | 'open' | 'half_open';

/**
 * The enabled suppliers behind one search. Each supplier's search is time-boxed and guarded by a
 * circuit breaker (opossum): one that is slow or failing costs at most the timeout, and once it
 * keeps failing it is skipped at once until a trial call after `resetMs` succeeds.
 */
export function createSupplierSet(suppliers: FlightSupplier[], opts: SupplierSetOptions) {
  const requests = opts.metrics.counter(
    'voyage_flight_supplier_requests_total',
    'Flight supplier searches by outcome',
    ['supplier', 'outcome'],
  );
  const duration = opts.metrics.histogram(
    'voyage_flight_supplier_duration_seconds',
    'Flight supplier search time',
    ['supplier'],
    [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8],
  );
  const breakers = new Map<SupplierName, CircuitBreaker<[FlightSearchQuery], SupplierOffer[]>>();
  for (const s of suppliers) {
    const breaker = new CircuitBreaker((q: FlightSearchQuery) => s.searchOffers(q), {
      name: s.name,
      timeout: opts.timeoutMs,
      resetTimeout: opts.resetMs,
      errorThresholdPercentage: 50,
      volumeThreshold: 3,
      rollingCountTimeout: 60_000,
      // A request the supplier refused as invalid says nothing about the supplier's health.
      errorFilter: (err: unknown) => err instanceof SupplierError && err.code === 'rejected',
    });
    breaker.on('open', () => opts.log.warn({ supplier: s.name }, 'flight supplier circuit opened'));
    breaker.on('close', () => opts.log.info({ supplier: s.name }, 'flight supplier circuit closed'));
    breakers.set(s.name, breaker);
  }

  function warningFor(name: SupplierName, err: unknown): SupplierWarning {
    const code = (err as { code?: string }).code;
    if (code === 'EOPENBREAKER')
      return { supplier: name, code: 'circuit_open', message: `${name} is failing; skipped for now` };
    if (code === 'ETIMEDOUT')
      return {
        supplier: name,
        code: 'timeout',
        message: `${name} did not answer within ${opts.timeoutMs} ms`,
      };
    if (err instanceof SupplierError && err.code === 'rate_limited')
      return {
        supplier: name,
        code: 'rate_limited',
        message: `${name} is rate limiting; retry in ${err.retryAfterSeconds ?? 60} s`,
      };
    if (err instanceof SupplierError && err.code === 'rejected')
      return { supplier: name, code: 'rejected', message: `${name} refused the search: ${err.message}` };
    return { supplier: name, code: 'unavailable', message: `${name} failed: ${(err as Error).message}` };
  }

  return {
    names: suppliers.map((s) => s.name),

    get(name: SupplierName): FlightSupplier | undefined {
      return suppliers.find((s) => s.name === name);
    },

    /** Offers from every supplier that answered in time, cheapest first, and a warning per other. */
    async search(q: FlightSearchQuery): Promise<{ offers: SupplierOffer[]; warnings: SupplierWarning[] }> {
      const results = await Promise.all(
        suppliers.map(async (s) => {
          const end = duration.startTimer({ supplier: s.name });
          try {
            const offers = await breakers.get(s.name)!.fire(q);
            requests.inc({ supplier: s.name, outcome: 'ok' });
            return { offers };
          } catch (err) {
            const warning = warningFor(s.name, err);
            requests.inc({ supplier: s.name, outcome: warning.code });
            if (warning.code !== 'circuit_open')
              opts.log.warn({ supplier: s.name, err }, 'flight supplier search failed');
            return { offers: [], warning };
          } finally {
            end();
          }
        }),
      );
      const offers = results.flatMap((r) => r.offers);
      offers.sort(
        (a, b) =>
          a.totalAmount - b.totalAmount ||
          (a.segments[0]?.departureAt ?? '').localeCompare(b.segments[0]?.departureAt ?? ''),
      );
      return { offers, warnings: results.flatMap((r) => (r.warning ? [r.warning] : [])) };
    },

    circuit(name: SupplierName): Circuit {
      const b = breakers.get(name);
      if (!b) return 'closed';
      return b.opened ? 'open' : b.halfOpen ? 'half_open' : 'closed';
    },

    shutdown() {
      for (const b of breakers.values()) b.shutdown();
    },
  };
}

export type SupplierSet = ReturnType<typeof createSupplierSet>;
