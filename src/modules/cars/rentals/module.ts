import { defineModule, job } from '../../module.js';
import { RENTALS_CONSTRAINTS } from './constraints.js';
import { rentalsRoutes } from './routes.js';
import { EXPIRE_HOLDS_JOB, type RentalsService } from './service.js';

export const rentalsModule = defineModule<RentalsService>({
  name: 'rentals',
  routes: rentalsRoutes,
  constraints: RENTALS_CONSTRAINTS,
  jobs: (rentals, { log }) => ({
    jobs: [
      job({
        name: EXPIRE_HOLDS_JOB,
        // Bookings release the lapsed holds they meet themselves; this frees the rest for search.
        cron: '* * * * *',
        retryLimit: 1,
        expireInSeconds: 55,
        handler: async () => {
          const released = await rentals.expireHolds();
          if (released > 0) log.info({ released }, 'lapsed car holds released');
        },
      }),
    ],
  }),
});
