import { defineModule } from '../../module.js';
import { RENTALS_CONSTRAINTS } from './constraints.js';
import { rentalsRoutes } from './routes.js';
import type { RentalsService } from './service.js';

export const rentalsModule = defineModule<RentalsService>({
  name: 'rentals',
  routes: rentalsRoutes,
  constraints: RENTALS_CONSTRAINTS,
});
