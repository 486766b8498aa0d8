import type { Readable } from 'node:stream';
import { Pool } from 'undici';

/**
 * One upstream of the gateway: a set of replicas, each an undici connection pool. Requests go
 * round-robin; a replica that refuses a connection is passed over for a moment. Only idempotent
 * requests without a body are retried (on the next replica), and only on connection errors: a
 * request that may have been acted on is never sent twice.
 */
export class UpstreamError extends Error {
  constructor(
    readonly kind: 'unavailable' | 'timeout',
    message: string,
    readonly attempts: number,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

export interface UpstreamRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body?: Readable | undefined;
  retryable: boolean;
  signal?: AbortSignal;
}

export interface UpstreamResponse {
  origin: string;
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
  attempts: number;
}

export interface UpstreamOptions {
  connectTimeoutMs: number;
  timeoutMs: number;
  /** How long a replica that refused a connection is passed over. */
  passOverMs?: number;
}

interface Replica {
  origin: string;
  pool: Pool;
  downUntil: number;
}

const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
const TIMEOUT_ERRORS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function errorCode(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code ?? e?.cause?.code ?? '';
}

export function createUpstream(name: string, origins: string[], opts: UpstreamOptions) {
  const replicas: Replica[] = origins.map((origin) => ({
    origin,
    downUntil: 0,
    pool: new Pool(origin, {
      connections: 128,
      connectTimeout: opts.connectTimeoutMs,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      keepAliveTimeout: 4_000,
    }),
  }));
  const passOverMs = opts.passOverMs ?? 1_000;
  let cursor = 0;

  /** The next replica in turn, preferring ones that have not just refused us. */
  function pick(tried: Set<Replica>): Replica | undefined {
    const now = Date.now();
    const order = replicas.map((_, i) => replicas[(cursor + i) % replicas.length]!);
    cursor = (cursor + 1) % replicas.length;
    const fresh = order.filter((r) => !tried.has(r));
    return fresh.find((r) => r.downUntil <= now) ?? fresh[0];
  }

  return {
    name,
    origins,

    async request(req: UpstreamRequest): Promise<UpstreamResponse> {
      const tried = new Set<Replica>();
      const maxAttempts = req.retryable ? Math.max(2, replicas.length) : 1;
      let lastCode = '';
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        // With one replica a retry goes to it again (a stale keep-alive socket is the usual cause).
        if (tried.size === replicas.length) tried.clear();
        const replica = pick(tried)!;
        tried.add(replica);
        try {
          const res = await replica.pool.request({
            method: req.method as 'GET',
            path: req.path,
            headers: req.headers,
            body: req.body ?? null,
            ...(req.signal ? { signal: req.signal } : {}),
          });
          return {
            origin: replica.origin,
            statusCode: res.statusCode,
            headers: res.headers,
            body: res.body,
            attempts: attempt,
          };
        } catch (err) {
          const code = errorCode(err);
          lastCode = code || (err as Error).message;
          if (req.signal?.aborted) throw err;
          if (TIMEOUT_ERRORS.has(code))
            throw new UpstreamError('timeout', `${name} did not answer in time`, attempt);
          if (!CONNECTION_ERRORS.has(code)) throw err;
          replica.downUntil = Date.now() + passOverMs;
        }
      }
      throw new UpstreamError('unavailable', `${name} is unavailable (${lastCode})`, maxAttempts);
    },

    /** Ready when at least one replica answers its readiness probe with 200. */
    async probe(timeoutMs: number): Promise<{ ok: boolean; detail: Record<string, string> }> {
      const detail: Record<string, string> = {};
      await Promise.all(
        replicas.map(async (r) => {
          try {
            const res = await r.pool.request({
              method: 'GET',
              path: '/health/ready',
              headersTimeout: timeoutMs,
              bodyTimeout: timeoutMs,
              signal: AbortSignal.timeout(timeoutMs),
            });
            await res.body.dump();
            detail[r.origin] = res.statusCode === 200 ? 'ready' : `not ready (HTTP ${res.statusCode})`;
          } catch (err) {
            detail[r.origin] = `unreachable (${errorCode(err) || (err as Error).message})`;
          }
        }),
      );
      return { ok: Object.values(detail).includes('ready'), detail };
    },

    async close() {
      await Promise.all(replicas.map((r) => r.pool.close().catch(() => undefined)));
    },
  };
}

export type Upstream = ReturnType<typeof createUpstream>;
