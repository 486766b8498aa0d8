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

export function redisCache(redis: Redis, prefix = 'voyage:'): Cache {
  return {
    kind: 'redis',
    async get<T>(key: string) {
      const raw = await redis.get(prefix + key);
      return raw === null ? undefined : (JSON.parse(raw) as T);
    },
    async set(key, value, ttlMs) {
      if (ttlMs <= 0) return;
      await redis.set(prefix + key, JSON.stringify(value), 'PX', Math.ceil(ttlMs));
    },
    async del(key) {
      await redis.del(prefix + key);
    },
  };
}
