import { createRequire } from 'node:module';
import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';

/**
 * Rate-limit counters in Redis, so that replicas share them, with in-process counting while Redis
 * is unreachable: a Redis outage must neither stall requests nor answer them with 500. The limit
 * then holds per process instead of across replicas; each fallback is counted in
 * voyage_rate_limit_fallbacks_total and logged (at most every 10 s per process).
 */
const require = createRequire(import.meta.url);
// The plugin's own stores; its package exports them only by path.
const RedisStore = require('@fastify/rate-limit/store/RedisStore.js');
const LocalStore = require('@fastify/rate-limit/store/LocalStore.js');

type StoreParams = { continueExceeding?: boolean; exponentialBackoff?: boolean };
type Result = { current: number; ttl: number };
type Callback = (err: Error | null, result?: Result) => void;
interface Store {
  incr(key: string, cb: Callback, timeWindow: number, max: number): void;
  read?(key: string, cb: Callback, timeWindow: number, max: number): void;
  child(routeOptions: unknown): Store;
}

/** How long a Redis answer may take before the process counts on its own. */
const REDIS_DEADLINE_MS = 250;
const WARN_EVERY_MS = 10_000;

export function fallbackStoreClass(opts: {
  redis: Redis;
  nameSpace: string;
  log: Logger;
  metrics: Metrics | undefined;
}) {
  const fallbacks = opts.metrics?.counter(
    'voyage_rate_limit_fallbacks_total',
    'Rate-limit decisions counted in-process because Redis was unreachable',
  );
  let lastWarn = 0;
  function fellBack(reason: string) {
    fallbacks?.inc();
    const now = Date.now();
    if (now - lastWarn >= WARN_EVERY_MS) {
      lastWarn = now;
      opts.log.warn({ reason }, 'redis unreachable: rate limits counted per process until it returns');
    }
  }

  class FallbackStore implements Store {
    constructor(
      globalParams: StoreParams,
      readonly remote: Store = new RedisStore(
        globalParams.continueExceeding,
        globalParams.exponentialBackoff,
        opts.redis,
        opts.nameSpace,
      ),
      readonly local: Store = new LocalStore(globalParams.continueExceeding, globalParams.exponentialBackoff),
    ) {}

    private call(method: 'incr' | 'read', key: string, cb: Callback, timeWindow: number, max: number) {
      const local = () => {
        const fn = this.local[method];
        if (fn) fn.call(this.local, key, cb, timeWindow, max);
        else cb(null, { current: 0, ttl: 0 });
      };
      const remote = this.remote[method];
      if (opts.redis.status !== 'ready' || !remote) {
        fellBack(`redis is ${opts.redis.status}`);
        return local();
      }
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        fellBack(`redis did not answer within ${REDIS_DEADLINE_MS} ms`);
        local();
      }, REDIS_DEADLINE_MS);
      remote.call(
        this.remote,
        key,
        (err, result) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (err) {
            fellBack(err.message);
            return local();
          }
          cb(null, result);
        },
        timeWindow,
        max,
      );
    }

    incr(key: string, cb: Callback, timeWindow: number, max: number) {
      this.call('incr', key, cb, timeWindow, max);
    }

    read(key: string, cb: Callback, timeWindow: number, max: number) {
      this.call('read', key, cb, timeWindow, max);
    }

    child(routeOptions: StoreParams) {
      return new FallbackStore(routeOptions, this.remote.child(routeOptions), this.local.child(routeOptions));
    }
  }
  // The plugin's declared store type names Fastify route options; ours needs only the flags.
  return FallbackStore as unknown as FastifyRateLimitStoreCtor;
}
