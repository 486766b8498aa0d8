import { defineModule, job } from '../module.js';
import { STAYS_CONSTRAINTS } from './constraints.js';
import { staysRoutes } from './routes.js';
import { EXPIRE_HOLDS_JOB, ROLL_INVENTORY_JOB, type StaysService } from './service.js';

export const staysModule = defineModule<StaysService>({
  name: 'stays',
  routes: staysRoutes,
  constraints: STAYS_CONSTRAINTS,
  jobs: (stays, { log }) => ({
    jobs: [
      job({
        name: ROLL_INVENTORY_JOB,
        cron: '20 2 * * *',
        retryLimit: 3,
        handler: async () => {
          const nights = await stays.rollInventory();
          log.info({ nights }, 'room inventory rolled forward');
        },
      }),
      job({
        name: EXPIRE_HOLDS_JOB,
        // Bookings release the lapsed holds they meet themselves; this frees the rest for search.
        cron: '* * * * *',
        retryLimit: 1,
        expireInSeconds: 55,
        handler: async () => {
          const released = await stays.expireHolds();
          if (released > 0) log.info({ released }, 'lapsed stay holds released');
        },
      }),
    ],
  }),
});
