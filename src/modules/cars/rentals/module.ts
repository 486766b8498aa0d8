import { defineModule, job } from '../../module.js';
import { RENTALS_CONSTRAINTS } from './constraints.js';
import { rentalsRoutes } from './routes.js';
import { IDEMPOTENCY_KEY_TTL_MS, PURGE_KEYS_JOB, type RentalsService } from './service.js';

export const rentalsModule = defineModule<RentalsService>({
  name: 'rentals',
  routes: rentalsRoutes,
  constraints: RENTALS_CONSTRAINTS,
  jobs: (rentals, { log }) => ({
    jobs: [
      job({
        name: PURGE_KEYS_JOB,
        cron: '17 * * * *',
        retryLimit: 2,
        handler: async () => {
          const purged = await rentals.purgeIdempotencyKeys(IDEMPOTENCY_KEY_TTL_MS);
          log.info({ purged }, 'expired idempotency keys purged');
        },
      }),
    ],
  }),
});
