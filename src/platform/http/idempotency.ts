import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type QueryExecutorProvider, sql } from 'kysely';
import stringify from 'safe-stable-stringify';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { conflict, unprocessable } from './errors.js';

/**
 * Idempotency-Key for state-changing operations, one mechanism for all of them.
 *
 * A key is scoped to its user and remembered for `ttlMs` (24 h). The first request with a key claims
 * it (one INSERT … ON CONFLICT, so of many concurrent requests exactly one claims it), does the work
 * and stores its answer — inside the work's own transaction when the work calls `remember`, so a
 * committed booking and its stored answer cannot part. Later requests with the same key and the same
 * operation and body get that answer again (status and body, with `idempotent-replayed: true`); with
 * another operation or body they get 422 `idempotency_key_reused`. A request that arrives while the
 * first is still working waits for its answer. Failures are not remembered: when the work throws, the
 * claim is released and a retry runs the operation again.
 */

export const IDEMPOTENCY_KEY_TTL_MS = 24 * 3_600_000;

/** The optional request header, as routes declare it. */
export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
    .optional(),
});

export interface Answer<T> {
  statusCode: number;
  body: T;
}

export interface Outcome<T> extends Answer<T> {
  replayed: boolean;
}

/** Stores the answer inside the caller's transaction; call it as the work's last write. */
export type Remember = (tx: QueryExecutorProvider, answer: Answer<unknown>) => Promise<void>;

export interface IdempotentCall {
  userId: string;
  /** The Idempotency-Key header; without one the work simply runs. */
  key: string | undefined;
  /** A stable name of the operation, e.g. `stays.book`: a key used for another operation is reused. */
  operation: string;
  /** What identifies the request: the validated body and any path parameters. */
  request: unknown;
}

export interface IdempotencyOptions {
  db: QueryExecutorProvider;
  clock: Clock;
  ttlMs?: number;
  /** How long a claim holds before another request may take over a crashed one. */
  leaseMs?: number;
  /** How long a duplicate waits for the first request's answer before 409. */
  waitMs?: number;
}

interface KeyRow {
  operation: string;
  request_hash: string;
  status_code: number;
  response: unknown;
  completed_at: Date | null;
}

export function requestHash(operation: string, request: unknown): string {
  return createHash('sha256')
    .update(stringify([operation, request]) ?? '')
    .digest('hex');
}

export function createIdempotency(opts: IdempotencyOptions) {
  const { db, clock } = opts;
  const ttlMs = opts.ttlMs ?? IDEMPOTENCY_KEY_TTL_MS;
  const leaseMs = opts.leaseMs ?? 60_000;
  const waitMs = opts.waitMs ?? 30_000;

  /** True when this request now holds the key (new, expired, or abandoned by a crashed holder). */
  async function claim(userId: string, key: string, operation: string, hash: string): Promise<boolean> {
    const now = clock.now();
    const res = await sql`
      INSERT INTO idempotency_keys
        (user_id, key, operation, request_hash, status_code, response, created_at, locked_until, completed_at)
      VALUES (${userId}, ${key}, ${operation}, ${hash}, 0, 'null', ${now},
              ${new Date(now.getTime() + leaseMs)}, NULL)
      ON CONFLICT (user_id, key) DO UPDATE SET
        operation = excluded.operation, request_hash = excluded.request_hash, status_code = 0,
        response = 'null', created_at = excluded.created_at, locked_until = excluded.locked_until,
        completed_at = NULL
      WHERE idempotency_keys.created_at < ${new Date(now.getTime() - ttlMs)}
         OR (idempotency_keys.status_code = 0
             AND COALESCE(idempotency_keys.locked_until, idempotency_keys.created_at + ${`${leaseMs} milliseconds`}::interval) < ${now})
      RETURNING 1 AS claimed
    `.execute(db);
    return res.rows.length === 1;
  }

  async function find(userId: string, key: string): Promise<KeyRow | undefined> {
    const res = await sql<KeyRow>`
      SELECT operation, request_hash, status_code, response, completed_at
      FROM idempotency_keys WHERE user_id = ${userId} AND key = ${key}
    `.execute(db);
    return res.rows[0];
  }

  async function store(tx: QueryExecutorProvider, userId: string, key: string, answer: Answer<unknown>) {
    await sql`
      UPDATE idempotency_keys
      SET status_code = ${answer.statusCode}, response = ${JSON.stringify(answer.body)}::jsonb,
          completed_at = ${clock.now()}, locked_until = NULL
      WHERE user_id = ${userId} AND key = ${key}
    `.execute(tx);
  }

  async function release(userId: string, key: string) {
    await sql`
      DELETE FROM idempotency_keys
      WHERE user_id = ${userId} AND key = ${key} AND status_code = 0
    `.execute(db);
  }

  return {
    /** Runs `work` once per (user, key); see the module comment for what repeats get. */
    async run<T>(
      call: IdempotentCall,
      work: (remember: Remember) => Promise<Answer<T>>,
    ): Promise<Outcome<T>> {
      const noop: Remember = async () => {};
      const { userId, key, operation } = call;
      if (!key) return { ...(await work(noop)), replayed: false };
      const hash = requestHash(operation, call.request);
      const deadline = Date.now() + waitMs;
      for (let pause = 10; ; pause = Math.min(pause * 2, 200)) {
        if (await claim(userId, key, operation, hash)) {
          let remembered = false;
          try {
            const answer = await work(async (tx, a) => {
              await store(tx, userId, key, a);
              remembered = true;
            });
            if (!remembered) await store(db, userId, key, answer);
            return { ...answer, replayed: false };
          } catch (err) {
            if (!remembered) await release(userId, key);
            throw err;
          }
        }
        const prior = await find(userId, key);
        if (prior) {
          if (prior.request_hash !== hash || prior.operation !== operation)
            throw unprocessable(
              'idempotency_key_reused',
              'This Idempotency-Key was used with a different request',
            );
          if (prior.status_code !== 0)
            return { statusCode: prior.status_code, body: prior.response as T, replayed: true };
        }
        if (Date.now() > deadline)
          throw conflict(
            'idempotency_key_in_progress',
            'A request with this Idempotency-Key is still being processed; retry shortly',
          );
        await sleep(pause);
      }
    },

    /** Forgets keys older than the TTL; the worker runs this hourly. */
    async purge(): Promise<number> {
      const res = await sql`
        DELETE FROM idempotency_keys WHERE created_at < ${new Date(clock.now().getTime() - ttlMs)}
      `.execute(db);
      return Number(res.numAffectedRows ?? 0);
    },
  };
}

export type Idempotency = ReturnType<typeof createIdempotency>;

/** The request's Idempotency-Key header (validated by the route's `IdempotencyHeaders`). */
export function idempotencyKey(request: FastifyRequest): string | undefined {
  const value = request.headers['idempotency-key'];
  return typeof value === 'string' ? value : undefined;
}

/** Sends an outcome: its status, its body, and `idempotent-replayed: true` on a replay. */
export function sendOutcome<T>(reply: FastifyReply, outcome: Outcome<T>) {
  if (outcome.replayed) reply.header('idempotent-replayed', 'true');
  // biome-ignore lint/suspicious/noExplicitAny: the route's response schema checks the body
  return reply.status(outcome.statusCode as any).send(outcome.body as any);
}
