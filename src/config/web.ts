import type { WebAppOptions } from '../platform/http/web-app.js';
import type { Config } from './index.js';

/**
 * What the web app is served with in the all and gateway roles: its built files, the settings it
 * reads at start (map tiles and their attribution), and the API paths a browser may open directly
 * (calendar feeds are subscribed to by calendar apps, some of which ask for HTML).
 */
export function webAppOptions(config: Config): WebAppOptions {
  return {
    dir: config.web.dir,
    ...(config.web.sharedAssetsDir ? { sharedAssetsDir: config.web.sharedAssetsDir } : {}),
    publicConfig: {
      mapTileUrl: config.web.mapTileUrl,
      mapTileAttribution: config.web.mapTileAttribution,
    },
    reservedPrefixes: ['/calendar'],
  };
}
