import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyBaseLogger, FastifyInstance, FastifyServerOptions } from 'fastify';
import { LogController } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { sendError } from './error-handler.js';
import { AppError, badRequest } from './errors.js';
import { fallbackStoreClass } from './rate-limit-store.js';
import { genRequestId } from './request-id.js';

/** The edge settings every public-facing process shares (Config.http). */
export interface HttpOptions {
  corsOrigins: string[] | '*';
  /** Requests per client address and window; 0 turns the limit off. */
  rateLimitMax: number;
  rateLimitWindowMs: number;
  /** The stricter limit on /auth/*; 0 turns it off. */
  authRateLimitMax: number;
  /** Client addresses (exact, as request.ip shows them) that no rate limit applies to. */
  rateLimitAllow: string[];
  trustProxy: boolean;
  bodyLimitBytes: number;
  /** Time a client has to send a request's headers, and the whole request with its body. */
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
}

/** Longest request target served; longer ones get 414 (up to the header limit, then 431). */
export const MAX_URL_LENGTH = 8192;

/**
 * Errors the HTTP parser raises before Fastify sees a request (malformed requests, oversized
 * headers, timeouts), answered in Voyage's error shape with a fresh request id, then the socket
 * is closed as Node would.
 */
function clientErrorHandler(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket) {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'request_timeout', 'The request was not received in time']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'headers_too_large', 'Request headers are too large']
        : [400, 'malformed_request', 'The request is not valid HTTP'];
  const requestId = randomUUID();
  this.log.info({ requestId, code, reason: err.code ?? err.message }, 'request rejected by the parser');
  const body = JSON.stringify({ error: { code, message, requestId } });
  if (socket.writable && socket.bytesWritten === 0) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/** Server options shared by every Voyage HTTP process (all, api, worker, gateway). */
export function serverOptions(http: HttpOptions, log: Logger): FastifyServerOptions {
  return {
    loggerInstance: log as FastifyBaseLogger,
    genReqId: genRequestId,
    // One access-log line per request comes from the observability plugin instead.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    bodyLimit: http.bodyLimitBytes,
    trustProxy: http.trustProxy,
    forceCloseConnections: 'idle',
    // Requests that arrive on an open connection while closing are served (in-flight work and
    // the database outlive the listener); their responses carry Connection: close.
    return503OnClosing: false,
    requestTimeout: http.bodyTimeoutMs,
    // Node checks its header and request deadlines on this interval.
    http: { headersTimeout: http.headersTimeoutMs, connectionsCheckingInterval: 1000 },
    clientErrorHandler,
    // A URL the router cannot take (bad percent-encoding, a parameter past its length) never
    // reaches a route; the URL is not echoed back.
    frameworkErrors: (error, request, reply) => {
      const err =
        request.url.length > MAX_URL_LENGTH
          ? new AppError(414, 'uri_too_long', `The request URL is longer than ${MAX_URL_LENGTH} characters`)
          : error.code === 'FST_ERR_BAD_URL'
            ? badRequest('bad_url', 'The request URL is not valid (bad percent-encoding?)')
            : badRequest('bad_url', 'The request URL is not valid');
      request.log.info({ code: error.code }, 'request rejected by the router');
      return sendError(request, reply, err);
    },
  } as FastifyServerOptions;
}

/**
 * The edge concerns every public-facing process shares: security headers, CORS, rate limits
 * (in Redis when configured, so that replicas share counters).
 */
export async function registerEdgePlugins(
  app: FastifyInstance,
  {
    http,
    redis,
    metrics,
    imageSources = [],
  }: { http: HttpOptions; redis: Redis | undefined; metrics?: Metrics; imageSources?: string[] },
) {
  // Expectations other than 100-continue (which Node answers itself) are refused in our shape.
  app.server.on('checkExpectation', (req, res) => {
    const requestId = randomUUID();
    const body = JSON.stringify({
      error: {
        code: 'expectation_failed',
        message: `Expect: ${String(req.headers.expect).slice(0, 100)} is not supported`,
        requestId,
      },
    });
    res.writeHead(417, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'x-request-id': requestId,
    });
    res.end(body);
  });
  app.addHook('onRequest', async (request, reply) => {
    // The server-wide form (OPTIONS *) asks what the server supports; no route answers it.
    if (request.url === '*') {
      if (request.method !== 'OPTIONS') throw badRequest('bad_url', 'Only OPTIONS may ask for *');
      return reply.status(204).header('allow', 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS').send();
    }
    if (request.url.length > MAX_URL_LENGTH) {
      throw new AppError(414, 'uri_too_long', `The request URL is longer than ${MAX_URL_LENGTH} characters`);
    }
  });
  // Helmet's default policy, without upgrade-insecure-requests: over plain HTTP on a host other
  // than localhost it makes the browser fetch every script over https, and /docs and the web app
  // stay blank. Images may also come from the map's tile server.
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      directives: {
        upgradeInsecureRequests: null,
        imgSrc: ["'self'", 'data:', ...imageSources],
      },
    },
  });
  if (http.corsOrigins === '*' || http.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: http.corsOrigins === '*' ? true : http.corsOrigins,
      exposedHeaders: ['x-request-id', 'retry-after', 'idempotent-replayed'],
    });
  }
  if (http.rateLimitMax > 0) {
    await app.register(rateLimit, {
      global: true,
      max: http.rateLimitMax,
      timeWindow: http.rateLimitWindowMs,
      ...(redis
        ? { store: fallbackStoreClass({ redis, nameSpace: 'voyage:rl:', log: app.log as Logger, metrics }) }
        : {}),
      ...(http.rateLimitAllow.length ? { allowList: http.rateLimitAllow } : {}),
      keyGenerator: (request) => request.ip,
      errorResponseBuilder: (_request, context) =>
        new AppError(
          429,
          'rate_limited',
          `Too many requests; retry in ${Math.ceil(context.ttl / 1000)} seconds`,
          { limit: context.max },
        ),
    });
  }
}
