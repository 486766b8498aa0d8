import type { Redis } from 'ioredis';

/**
 * A small key/value cache with expiry. In-process for a single instance; Redis when REDIS_URL is
 * set, so that replicas share it.
 */
export interface Cache {
  readonly kind: 'memory' | 'redis';
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
  del(key: string): Promise<void>;
}

export function memoryCache(maxEntries = 10_000, now: () => number = Date.now): Cache {
  const entries = new Map<string, { value: unknown; expiresAt: number }>();
  return {
    kind: 'memory',
    async get<T>(key: string) {
      const e = entries.get(key);
      if (!e) return undefined;
      if (e.expiresAt <= now()) {
        entries.delete(key);
        return undefined;
      }
      return e.value as T;
    },
    async set(key, value, ttlMs) {
      if (ttlMs <= 0) return;
      entries.delete(key);
      entries.set(key, { value, expiresAt: now() + ttlMs });
      // Maps iterate in insertion order: the first key is the oldest.
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
    async del(key) {
      entries.delete(key);
    },
  };
}

/**
 * Shared entries in Redis. While Redis is unreachable (or slow past the deadline) the cache falls
 * back to this process's memory instead of failing or stalling the request: a miss costs a
 * recomputation, an entry written meanwhile is kept locally until it expires.
 */
export function redisCache(
  redis: Redis,
  prefix = 'voyage:',
  opts: { deadlineMs?: number; onFallback?: (reason: string) => void } = {},
): Cache {
  const local = memoryCache();
  const deadlineMs = opts.deadlineMs ?? 250;
  async function remote<T>(op: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> {
    if (redis.status !== 'ready') {
      opts.onFallback?.(`redis is ${redis.status}`);
      return { ok: false };
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${deadlineMs} ms`)), deadlineMs);
      });
      return { ok: true, value: await Promise.race([op(), deadline]) };
    } catch (err) {
      opts.onFallback?.((err as Error).message);
      return { ok: false };
    } finally {
      clearTimeout(timer);
    }
  }
  return {
    kind: 'redis',
    async get<T>(key: string) {
      const r = await remote(() => redis.get(prefix + key));
      if (r.ok && r.value !== null) return JSON.parse(r.value) as T;
      return local.get<T>(key);
    },
    async set(key, value, ttlMs) {
      if (ttlMs <= 0) return;
      const r = await remote(() => redis.set(prefix + key, JSON.stringify(value), 'PX', Math.ceil(ttlMs)));
      if (!r.ok) await local.set(key, value, ttlMs);
    },
    async del(key) {
      await local.del(key);
      await remote(() => redis.del(prefix + key));
    },
  };
}
