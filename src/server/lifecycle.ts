import { setTimeout as sleep } from 'node:timers/promises';
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/index.js';
import { isConnectionError } from '../platform/db/errors.js';
import type { Health } from '../platform/observability/health.js';
import type { Logger } from '../platform/observability/logger.js';

/**
 * Graceful lifecycle: on SIGTERM readiness turns 503 at once and every response says
 * Connection: close; the process keeps serving for the drain delay (so load balancers see it
 * leave), waits for the requests still in flight, and only then closes the listener and its
 * pools. A second signal exits at once.
 */
/** What serving needs from a process context (the AppContext, or the gateway's). */
export interface ServingContext {
  config: Pick<Config, 'port' | 'host' | 'shutdown'>;
  log: Logger;
  health: Health;
  close(): Promise<void>;
}

export async function listenWithGrace(
  app: FastifyInstance,
  ctx: ServingContext,
  onClose: () => Promise<void> = async () => {},
) {
  const { config, log, health } = ctx;
  // Counted on the raw server, so that every request is seen whatever route or hook it meets.
  let inFlight = 0;
  app.server.on('request', (_req, res) => {
    inFlight++;
    res.once('close', () => {
      inFlight--;
    });
  });
  const grace = closeWithGrace(
    {
      delay: config.shutdown.drainDelayMs + config.shutdown.timeoutMs,
      // Handled below: a background call that lost the database is not a reason to exit.
      skip: ['unhandledRejection'],
      logger: { error: (m: unknown) => log.error({ detail: String(m) }, 'forced exit') },
    },
    async ({ signal, err }) => {
      if (err) log.error({ err }, 'fatal error; shutting down');
      health.startShutdown();
      log.info({ signal, drainDelayMs: config.shutdown.drainDelayMs }, 'shutdown: not ready, draining');
      await sleep(config.shutdown.drainDelayMs);
      const deadline = Date.now() + config.shutdown.timeoutMs;
      while (inFlight > 0 && Date.now() < deadline) await sleep(25);
      log.info({ inFlight }, 'shutdown: closing the listener');
      await app.close();
      await onClose();
      await ctx.close();
      log.info('shutdown complete');
    },
  );
  // pg-boss marks jobs done or failed without awaiting it; while the database is down those writes
  // reject with nobody to catch them. The job stays active and pg-boss retries it once it expires.
  process.on('unhandledRejection', (reason) => {
    if (isConnectionError(reason)) {
      log.warn(
        { reason: (reason as Error).message },
        'a background database call failed: database unreachable',
      );
      return;
    }
    log.error({ err: reason }, 'fatal error; shutting down');
    process.exitCode = 1;
    void grace.close();
  });
  const address = await app.listen({ port: config.port, host: config.host });
  return address;
}

/** The address a person can open: a wildcard host is shown as localhost. */
export function publicUrl(address: string): string {
  return address
    .replace('0.0.0.0', 'localhost')
    .replace('[::]', 'localhost')
    .replace('127.0.0.1', 'localhost');
}
