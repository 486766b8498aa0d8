import { defineModule } from '../module.js';
import { poisRoutes } from './routes.js';
import type { PoisService } from './service.js';

export const poisModule = defineModule<PoisService>({ name: 'pois', routes: poisRoutes });
