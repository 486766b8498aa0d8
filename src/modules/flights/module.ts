import { defineModule, job } from '../module.js';
import { FLIGHTS_CONSTRAINTS } from './constraints.js';
import { flightsRoutes } from './routes.js';
import { EXPIRE_HOLDS_JOB, type FlightsService, SCHEDULE_JOB } from './service.js';

export const flightsModule = defineModule<FlightsService>({
  name: 'flights',
  routes: flightsRoutes,
  constraints: FLIGHTS_CONSTRAINTS,
  jobs: (flights, { log }) => ({
    jobs: [
      job({
        name: SCHEDULE_JOB,
        cron: '40 2 * * *',
        retryLimit: 3,
        handler: async () => {
          const scheduled = await flights.extendSchedule();
          log.info({ scheduled }, 'own flight schedule extended');
        },
      }),
      job({
        name: EXPIRE_HOLDS_JOB,
        // Bookings release the lapsed holds they meet themselves; this frees the rest.
        cron: '* * * * *',
        retryLimit: 1,
        expireInSeconds: 55,
        handler: async () => {
          const released = await flights.expireHolds();
          if (released > 0) log.info({ released }, 'lapsed flight holds released');
        },
      }),
    ],
  }),
});
