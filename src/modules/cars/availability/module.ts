import { defineModule } from '../../module.js';
import { availabilityRoutes } from './routes.js';
import type { AvailabilityService } from './service.js';

export const availabilityModule = defineModule<AvailabilityService>({
  name: 'availability',
  routes: availabilityRoutes,
});
