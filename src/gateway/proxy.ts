import { PassThrough, type Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, unauthorized } from '../platform/http/errors.js';
import { formatTraceparent } from '../platform/http/trace-context.js';
import type { Metrics } from '../platform/observability/metrics.js';
import type { Upstream } from './upstream.js';
import { UpstreamError } from './upstream.js';

/** A path prefix and the upstream that serves it. */
export interface GatewayRoute {
  prefix: string;
  upstream: Upstream;
  /** The stricter per-client limit of token endpoints; undefined keeps the global one. */
  rateLimit?: { max: number; timeWindow: number } | false;
  /** Paths under this prefix carry a credential: the access log keeps only the prefix. */
  secret?: boolean;
}

// Headers that describe one connection, not the message (RFC 9110 §7.6.1), plus the ones the
// gateway sets itself.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  // Answered here (100 Continue); undici refuses to send it on.
  'expect',
]);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

function connectionTokens(value: string | string[] | undefined): Set<string> {
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return new Set(
    text
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  );
}

function forwardHeaders(request: FastifyRequest): Record<string, string | string[]> {
  const named = connectionTokens(request.headers.connection);
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(request.headers)) {
    if (value === undefined || HOP_BY_HOP.has(key) || named.has(key)) continue;
    out[key] = value;
  }
  const prior = request.headers['x-forwarded-for'];
  out['x-forwarded-for'] = prior
    ? `${prior}, ${request.socket.remoteAddress}`
    : (request.socket.remoteAddress ?? '');
  out['x-forwarded-proto'] = request.protocol;
  if (request.headers.host) out['x-forwarded-host'] = request.headers.host;
  out['x-request-id'] = request.id;
  if (request.trace) out.traceparent = formatTraceparent(request.trace);
  return out;
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Forwards requests by path prefix to upstream `api` processes. Bodies stream through unparsed;
 * upstream failures become 502 `upstream_unavailable` or 504 `upstream_timeout`.
 */
export const gatewayProxyPlugin = fp<{ routes: GatewayRoute[]; fallback?: Upstream; metrics: Metrics }>(
  async (app: FastifyInstance, { routes, fallback, metrics }) => {
    const outcomes = metrics.counter(
      'voyage_gateway_upstream_requests_total',
      'Requests the gateway forwarded, by upstream and outcome (ok, retried, unavailable, timeout)',
      ['upstream', 'outcome'],
    );

    // Bodies are not the gateway's business: hand the raw stream to the upstream.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

    async function forward(upstream: Upstream, request: FastifyRequest, reply: FastifyReply) {
      // A token that fails the check is refused at the edge. Token endpoints are exempt: a client
      // holding an expired access token must still reach refresh and login.
      if (request.tokenProblem && !request.url.startsWith('/auth/')) {
        if (request.tokenProblem === 'token_expired')
          throw unauthorized('token_expired', 'Access token has expired');
        throw unauthorized('invalid_token', 'Access token is not valid');
      }
      const abort = new AbortController();
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) abort.abort();
      });
      const withBody = hasBody(request);
      try {
        const res = await upstream.request({
          method: request.method,
          path: request.url,
          headers: forwardHeaders(request),
          // pipe(), not the stream itself: undici destroys a body it could not send, and destroying
          // the incoming request would take the client's socket (and our 502) with it.
          body: withBody ? (request.body as Readable).pipe(new PassThrough()) : undefined,
          retryable: IDEMPOTENT.has(request.method) && !withBody,
          signal: abort.signal,
        });
        outcomes.inc({ upstream: upstream.name, outcome: res.attempts > 1 ? 'retried' : 'ok' });
        const named = connectionTokens(res.headers.connection);
        for (const [key, value] of Object.entries(res.headers)) {
          if (value === undefined || HOP_BY_HOP.has(key) || named.has(key)) continue;
          reply.header(key, value);
        }
        return reply.status(res.statusCode).send(res.body);
      } catch (err) {
        if (!(err instanceof UpstreamError)) throw err;
        outcomes.inc({ upstream: upstream.name, outcome: err.kind });
        request.log.warn(
          { upstream: upstream.name, reason: err.message, attempts: err.attempts },
          'upstream failed',
        );
        throw err.kind === 'timeout'
          ? new AppError(504, 'upstream_timeout', 'The service took too long to answer; try again')
          : new AppError(502, 'upstream_unavailable', 'The service is unavailable; try again shortly');
      }
    }

    for (const route of routes) {
      const handler = (request: FastifyRequest, reply: FastifyReply) =>
        forward(route.upstream, request, reply);
      const config = {
        ...(route.rateLimit !== undefined ? { rateLimit: route.rateLimit } : {}),
        ...(route.secret ? { secretParams: ['*'] } : {}),
      };
      app.all(route.prefix, { config }, handler);
      app.all(`${route.prefix}/*`, { config }, handler);
    }
    if (fallback) app.all('/*', (request, reply) => forward(fallback, request, reply));
  },
  { name: 'voyage-gateway-proxy', dependencies: ['voyage-auth', 'voyage-trace-context'] },
);
