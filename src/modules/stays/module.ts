import { defineModule, job } from '../module.js';
import { STAYS_CONSTRAINTS } from './constraints.js';
import { staysRoutes } from './routes.js';
import { ROLL_INVENTORY_JOB, type StaysService } from './service.js';

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
    ],
  }),
});
