import { defineModule } from '../module.js';
import { FLAGS_CONSTRAINTS } from './constraints.js';
import { flagsRoutes } from './routes.js';
import type { FlagsService } from './service.js';

export const flagsModule = defineModule<FlagsService>({
  name: 'flags',
  routes: flagsRoutes,
  constraints: FLAGS_CONSTRAINTS,
});
