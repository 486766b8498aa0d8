import type { Config, Secrets } from '../config/index.js';
import { buildGateway } from '../gateway/app.js';
import { createGatewayContext } from '../gateway/context.js';
import { listenWithGrace, publicUrl } from './lifecycle.js';

/**
 * Starts the gateway role: no database and no module code (it routes by the modules' manifest), so
 * this file must not import the app or the services.
 */
export async function serveGateway(config: Config, secrets: Secrets): Promise<{ url: string }> {
  const ctx = createGatewayContext(config, secrets);
  const app = await buildGateway(ctx);
  const address = await listenWithGrace(app, ctx);
  const url = publicUrl(address);
  ctx.log.info({ url, role: 'gateway', upstreams: config.gateway.upstreams }, 'voyage gateway listening');
  return { url };
}
