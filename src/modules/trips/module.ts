import { defineModule, job } from '../module.js';
import { TRIPS_CONSTRAINTS } from './constraints.js';
import { tripsRoutes } from './routes.js';
import { COMPLETE_JOB, type TripsService } from './service.js';

export const tripsModule = defineModule<TripsService>({
  name: 'trips',
  routes: tripsRoutes,
  constraints: TRIPS_CONSTRAINTS,
  jobs: (trips, { log }) => ({
    jobs: [
      job({
        name: COMPLETE_JOB,
        cron: '5 * * * *',
        retryLimit: 3,
        handler: async () => {
          const completed = await trips.completeEnded();
          if (completed) log.info({ completed }, 'ended trips completed');
        },
      }),
    ],
  }),
});
