import { defineModule } from '../../module.js';
import { fleetRoutes } from './routes.js';
import type { FleetService } from './service.js';

export const fleetModule = defineModule<FleetService>({ name: 'fleet', routes: fleetRoutes });
