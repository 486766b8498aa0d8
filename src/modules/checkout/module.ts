import { defineModule } from '../module.js';
import { checkoutRoutes } from './routes.js';
import type { CheckoutService } from './service.js';

export const checkoutModule = defineModule<CheckoutService>({
  name: 'checkout',
  routes: checkoutRoutes,
});
