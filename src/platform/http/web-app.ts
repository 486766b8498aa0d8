import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

export interface WebAppOptions {
  /** The built single-page app: index.html and its hashed files under assets/. */
  dir: string;
  /**
   * Hashed files of other releases, looked up when `dir` lacks one. While two releases serve side
   * by side (a canary), a page loaded from one may ask the other for its files.
   */
  sharedAssetsDir?: string;
  /** Answered at /web-config.json: settings the app reads when it starts. */
  publicConfig: Record<string, unknown>;
  /** Paths that are never the app's pages, even for a browser asking for HTML. */
  reservedPrefixes?: readonly string[];
}

const ALWAYS_RESERVED = ['/assets', '/web-config.json', '/docs', '/openapi.json', '/health', '/metrics'];

/**
 * Serves a single-page app beside an API. Hashed files under /assets/ are cached for a year
 * (their names change with their content) and sent pre-compressed (.br, .gz) when the client
 * accepts it; index.html is never cached. A GET that asks for HTML (a browser navigating) gets
 * index.html on any path but the reserved ones, so the app's own routes load on reload; every other
 * request — fetch() asking for JSON, curl, calendar clients — reaches the API routes as before.
 */
export function isPageRequest(request: FastifyRequest, reserved: readonly string[]): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const accept = request.headers.accept ?? '';
  if (!accept.includes('text/html')) return false;
  const pathname = request.url.split('?')[0] ?? '/';
  return !reserved.some((p) => pathname === p || pathname.startsWith(`${p}/`));
}

export const webAppPlugin = fp(
  async (app: FastifyInstance, opts: WebAppOptions) => {
    app.get('/web-config.json', { schema: { hide: true } }, async (_request, reply) => {
      reply.header('cache-control', 'no-cache');
      return opts.publicConfig;
    });

    const index = path.join(opts.dir, 'index.html');
    if (!existsSync(index)) {
      app.log.warn({ dir: opts.dir }, 'the web app is not built (npm run build); / answers JSON only');
      return;
    }
    const reserved = [...ALWAYS_RESERVED, ...(opts.reservedPrefixes ?? [])];
    await app.register(fastifyStatic, {
      root: [path.join(opts.dir, 'assets'), ...(opts.sharedAssetsDir ? [opts.sharedAssetsDir] : [])],
      prefix: '/assets/',
      index: false,
      preCompressed: true,
      immutable: true,
      maxAge: '365d',
    });
    app.addHook('onRequest', async (request, reply) => {
      if (!isPageRequest(request, reserved)) return;
      reply.header('cache-control', 'no-cache');
      return reply.sendFile('index.html', opts.dir, { cacheControl: false });
    });
  },
  { name: 'voyage-web-app' },
);

/** The origin of a tile URL template, as a CSP source ({s} subdomains become a wildcard). */
export function tileSource(template: string): string | undefined {
  const m = /^(https?:\/\/[^/]+)/.exec(template.replaceAll('{s}', '*'));
  return m?.[1];
}
