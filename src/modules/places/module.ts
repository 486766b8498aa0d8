import { defineModule } from '../module.js';
import { placesRoutes } from './routes.js';
import type { PlacesService } from './service.js';

/**
 * Place lookup for search forms. It owns no tables: it reads the catalogues of pois, flights and
 * fleet through their services.
 */
export const placesModule = defineModule<PlacesService>({ name: 'places', routes: placesRoutes });
