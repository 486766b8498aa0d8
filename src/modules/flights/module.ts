import { defineModule, job } from '../module.js';
import { FLIGHTS_CONSTRAINTS } from './constraints.js';
import { flightsRoutes } from './routes.js';
import { type FlightsService, SCHEDULE_JOB } from './service.js';

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
    ],
  }),
});
