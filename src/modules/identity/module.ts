import { defineModule } from '../module.js';
import { IDENTITY_CONSTRAINTS } from './constraints.js';
import { identityRoutes } from './routes.js';
import type { IdentityService } from './service.js';

export const identityModule = defineModule<IdentityService>({
  name: 'identity',
  routes: identityRoutes,
  constraints: IDENTITY_CONSTRAINTS,
});
